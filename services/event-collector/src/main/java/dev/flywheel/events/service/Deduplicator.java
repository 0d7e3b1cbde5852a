package dev.flywheel.events.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.events.config.IngestConfig;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.config.RedisKeyspace;
import dev.flywheel.service.redis.RedisScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Drops retries of events already accepted, by (project, messageId) in Redis. An id is remembered only after Kafka
 * acknowledged its event, so a batch that failed is never mistaken for a duplicate when the client retries; two
 * identical requests racing each other may both pass, and the event store's unique constraint absorbs that.
 */
@ApplicationScoped
public class Deduplicator {

    private static final RedisScript REMEMBER_ALL = new RedisScript("""
            for i, key in ipairs(KEYS) do
              redis.call('SET', key, '1', 'PX', ARGV[1])
            end
            return #KEYS
            """);

    private final ReactiveRedisDataSource redis;
    private final RedisKeyspace keyspace;
    private final IngestConfig config;

    public Deduplicator(ReactiveRedisDataSource redis, RedisKeyspace keyspace, IngestConfig config) {
        this.redis = redis;
        this.keyspace = keyspace;
        this.config = config;
    }

    /** The events never seen before, in order; repeats inside the batch count as duplicates too. */
    public Uni<List<Event>> unseen(List<Event> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Event> firstInBatch = new ArrayList<>(events.size());
        Set<String> seenInBatch = new HashSet<>();
        for (Event event : events) {
            if (seenInBatch.add(key(event))) {
                firstInBatch.add(event);
            }
        }
        String[] keys = new String[firstInBatch.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(firstInBatch.get(i));
        }
        return redis.execute("MGET", keys).map(seen -> {
            List<Event> fresh = new ArrayList<>(firstInBatch.size());
            for (int i = 0; i < firstInBatch.size(); i++) {
                Response mark = seen.get(i);
                if (mark == null) {
                    fresh.add(firstInBatch.get(i));
                }
            }
            return fresh;
        });
    }

    /** Remembers accepted events; call after Kafka acknowledged them. */
    public Uni<Void> remember(List<Event> accepted) {
        if (accepted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] keys = new String[accepted.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(accepted.get(i));
        }
        return REMEMBER_ALL.run(redis, keys, Long.toString(config.dedupeTtl().toMillis())).replaceWithVoid();
    }

    private String key(Event event) {
        return keyspace.key("ingest", "seen", event.getScope().getProjectId(), event.getMessageId());
    }
}
