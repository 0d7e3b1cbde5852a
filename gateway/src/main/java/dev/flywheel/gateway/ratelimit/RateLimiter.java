package dev.flywheel.gateway.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.service.config.RedisKeyspace;
import dev.flywheel.service.redis.RedisScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Per-key rate limiting shared by all gateway replicas: GCRA in one atomic Redis script, so a key gets {@code burst}
 * requests at once and then {@code perSecond} sustained, with an exact time to retry.
 */
@ApplicationScoped
public class RateLimiter {

    private static final long MICROS_PER_SECOND = 1_000_000L;

    private final ReactiveRedisDataSource redis;
    private final RedisKeyspace keyspace;
    private final RedisScript script;

    public RateLimiter(ReactiveRedisDataSource redis, RedisKeyspace keyspace) {
        this.redis = redis;
        this.keyspace = keyspace;
        this.script = new RedisScript(loadScript());
    }

    /** The outcome for one request; {@code retryAfterMicros} is 0 when allowed. */
    public record Decision(boolean allowed, long remaining, long retryAfterMicros) {

        /** Whole seconds to put in Retry-After: never 0, which clients read as "now". */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterMicros + MICROS_PER_SECOND - 1) / MICROS_PER_SECOND);
        }
    }

    public Uni<Decision> acquire(UUID keyId, int perSecond, int burst) {
        long interval = Math.max(1, MICROS_PER_SECOND / Math.max(1, perSecond));
        return script.run(redis, new String[]{keyspace.key("gateway", "ratelimit", keyId.toString())},
                Long.toString(interval), Integer.toString(Math.max(1, burst)))
                .map(RateLimiter::decision);
    }

    private static Decision decision(Response reply) {
        return new Decision(reply.get(0).toLong() == 1, reply.get(1).toLong(), reply.get(2).toLong());
    }

    private static String loadScript() {
        try (InputStream in = RateLimiter.class.getResourceAsStream("/ratelimit/gcra.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
