package dev.flywheel.events.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
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
    private final String seenPrefix;
    private final IngestConfig config;

    public Deduplicator(ReactiveRedisDataSource redis, RedisKeyspace keyspace, IngestConfig config) {
        this.redis = redis;
        this.config = config;
        this.seenPrefix = keyspace.key("ingest", "seen", "");
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

    /**
     * A compact key: 96 bits of SHA-256 over (project, messageId). At tens of thousands of events a second the keys
     * are most of Redis's memory, and a short fixed-size key halves it; 2^-96 collisions never happen in practice.
     */
    private String key(Event event) {
        MessageDigest sha256 = SHA256.get();
        sha256.update(event.getScope().getProjectId().getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(event.getMessageId().getBytes(StandardCharsets.UTF_8));
        byte[] digest = sha256.digest();
        return seenPrefix + BASE64.encodeToString(Arrays.copyOf(digest, 12));
    }

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    });
}
