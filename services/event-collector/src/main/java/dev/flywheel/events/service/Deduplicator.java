package dev.flywheel.events.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.events.config.IngestConfig;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.config.RedisKeyspace;
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

    private static final String REMEMBER_ALL = """
            for i, key in ipairs(KEYS) do
              redis.call('SET', key, '1', 'PX', ARGV[1])
            end
            return #KEYS
            """;

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
        Set<String> keys = new HashSet<>();
        for (Event event : events) {
            if (keys.add(key(event))) {
                firstInBatch.add(event);
            }
        }
        String[] args = new String[firstInBatch.size() + 1];
        args[0] = "MGET";
        for (int i = 0; i < firstInBatch.size(); i++) {
            args[i + 1] = key(firstInBatch.get(i));
        }
        return redis.execute(args[0], java.util.Arrays.copyOfRange(args, 1, args.length)).map(seen -> {
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
        String[] args = new String[accepted.size() + 3];
        args[0] = REMEMBER_ALL;
        args[1] = Integer.toString(accepted.size());
        for (int i = 0; i < accepted.size(); i++) {
            args[i + 2] = key(accepted.get(i));
        }
        args[args.length - 1] = Long.toString(config.dedupeTtl().toMillis());
        return redis.execute("EVAL", args).replaceWithVoid();
    }

    private String key(Event event) {
        return keyspace.key("ingest", "seen", event.getScope().getProjectId(), event.getMessageId());
    }
}
