package dev.flywheel.gateway.analytics.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.service.config.RedisKeyspace;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Analytics answers kept in Redis for dashboards: a caller that sends {@code Cache-Control: max-age=N} accepts an
 * answer computed up to N seconds ago (shared by every member and replica asking the same question), and
 * {@code no-cache} computes afresh and keeps that. Without the header nothing is read or kept. Answers are kept an
 * hour at most, those over 1 MiB not at all; a Redis failure only costs the computation.
 */
@ApplicationScoped
public class AnswerCache {

    /** An answer and when it was computed. */
    public record Answer(ObjectNode body, Instant computedAt) {
    }

    static final Duration KEPT = Duration.ofHours(1);
    static final int MAX_BYTES = 1 << 20;
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age=(\\d{1,9})");
    private static final Logger LOG = Logger.getLogger(AnswerCache.class);

    private final ReactiveRedisDataSource redis;
    private final RedisKeyspace keyspace;
    private final ObjectMapper json;

    public AnswerCache(ReactiveRedisDataSource redis, RedisKeyspace keyspace, ObjectMapper json) {
        this.redis = redis;
        this.keyspace = keyspace;
        this.json = json;
    }

    /**
     * The answer to a question, from the cache when the caller accepts one old enough.
     *
     * @param question
     *            what identifies the question within the environment (the query's name and request bytes)
     */
    public Uni<Answer> answer(UUID projectId, String environment, byte[] question, String cacheControl,
            Supplier<Uni<ObjectNode>> compute) {
        if (cacheControl == null || cacheControl.isBlank()) {
            return compute.get().map(body -> new Answer(body, now()));
        }
        String key = keyspace.key("gateway", "answer", projectId.toString(), environment, sha256(question));
        Duration maxAge = maxAge(cacheControl);
        Uni<Answer> cached = maxAge.isZero()
                ? Uni.createFrom().nullItem()
                : redis.value(String.class).get(key).map(this::decode)
                        .onFailure().recoverWithItem(failure -> {
                            LOG.warnf("analytics answer cache unreadable: %s", failure.getMessage());
                            return null;
                        });
        return cached.flatMap(hit -> hit != null && !hit.computedAt().plus(maxAge).isBefore(Instant.now())
                ? Uni.createFrom().item(hit)
                : compute.get().map(body -> new Answer(body, now())).call(fresh -> keep(key, fresh)));
    }

    /** Now, as precisely as an answer's time is kept (milliseconds), so a kept answer reads back unchanged. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Seconds of max-age, or zero for no-cache (or anything else). */
    static Duration maxAge(String cacheControl) {
        if (cacheControl.contains("no-cache")) {
            return Duration.ZERO;
        }
        Matcher found = MAX_AGE.matcher(cacheControl);
        return found.find()
                ? Duration.ofSeconds(Math.min(Long.parseLong(found.group(1)), KEPT.toSeconds()))
                : Duration.ZERO;
    }

    private Uni<Void> keep(String key, Answer answer) {
        String stored;
        try {
            stored = json.writeValueAsString(json.createObjectNode().put("at", answer.computedAt().toEpochMilli())
                    .set("answer", answer.body()));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().voidItem();
        }
        if (stored.length() > MAX_BYTES) {
            return Uni.createFrom().voidItem();
        }
        return redis.value(String.class).set(key, stored, new SetArgs().px(KEPT)).onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf("analytics answer cache not written: %s", failure.getMessage());
                    return null;
                }).replaceWithVoid();
    }

    private Answer decode(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            ObjectNode node = (ObjectNode) json.readTree(stored);
            return new Answer((ObjectNode) node.get("answer"), Instant.ofEpochMilli(node.get("at").asLong()));
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private static String sha256(byte[] question) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(question));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes that identify a question: its name, then its request. */
    public static byte[] question(String name, byte[] request) {
        byte[] prefix = (name + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[prefix.length + request.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(request, 0, all, prefix.length, request.length);
        return all;
    }
}
