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

    /** New events and their dedupe keys (computed once: each is a SHA-256), to remember after Kafka's ack. */
    public record Unseen(List<Event> events, List<String> keys) {
    }

    /** The events never seen before, in order; repeats inside the batch count as duplicates too. */
    public Uni<Unseen> unseen(List<Event> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new Unseen(List.of(), List.of()));
        }
        Unseen firstInBatch = assumeUnseen(events);
        List<String> keys = firstInBatch.keys();
        return redis.execute("MGET", keys.toArray(String[]::new)).map(seen -> {
            List<Event> fresh = new ArrayList<>(keys.size());
            List<String> freshKeys = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                Response mark = seen.get(i);
                if (mark == null) {
                    fresh.add(firstInBatch.events().get(i));
                    freshKeys.add(keys.get(i));
                }
            }
            return new Unseen(fresh, freshKeys);
        });
    }

    /** Every event as new but the repeats inside the batch: what is accepted when Redis cannot be asked. */
    public Unseen assumeUnseen(List<Event> events) {
        List<Event> firstInBatch = new ArrayList<>(events.size());
        List<String> keys = new ArrayList<>(events.size());
        Set<String> seenInBatch = new HashSet<>();
        for (Event event : events) {
            String key = key(event);
            if (seenInBatch.add(key)) {
                firstInBatch.add(event);
                keys.add(key);
            }
        }
        return new Unseen(firstInBatch, keys);
    }

    /** Remembers accepted events; call after Kafka acknowledged them. */
    public Uni<Void> remember(Unseen accepted) {
        if (accepted.keys().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return REMEMBER_ALL.run(redis, accepted.keys().toArray(String[]::new),
                Long.toString(config.dedupeTtl().toMillis())).replaceWithVoid();
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
