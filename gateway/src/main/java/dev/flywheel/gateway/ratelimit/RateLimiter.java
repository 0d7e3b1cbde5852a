package dev.flywheel.gateway.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.ratelimit.LeasedTokenBuckets.Decision;
import dev.flywheel.gateway.ratelimit.LeasedTokenBuckets.Lease;
import dev.flywheel.service.cache.SingleFlight;
import dev.flywheel.service.config.RedisKeyspace;
import dev.flywheel.service.redis.RedisScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Per-key rate limiting shared by all gateway replicas: a token bucket per key in Redis (a key gets {@code burst}
 * requests at once, then {@code perSecond} sustained), from which each replica leases tokens in small batches and
 * spends them locally ({@link LeasedTokenBuckets}), so a request rarely waits for Redis.
 */
@ApplicationScoped
public class RateLimiter {

    private final ReactiveRedisDataSource redis;
    private final RedisKeyspace keyspace;
    private final RedisScript script;
    private final LeasedTokenBuckets buckets;

    public RateLimiter(ReactiveRedisDataSource redis, RedisKeyspace keyspace) {
        this.redis = redis;
        this.keyspace = keyspace;
        this.script = new RedisScript(loadScript());
        this.buckets = new LeasedTokenBuckets(this::lease, System::nanoTime);
    }

    public Uni<Decision> acquire(UUID keyId, int perSecond, int burst) {
        return SingleFlight.onCallersContext(buckets.acquire(keyId.toString(), perSecond, burst));
    }

    private CompletionStage<Lease> lease(String bucket, int perSecond, int burst, int wanted) {
        return script.run(redis, new String[]{keyspace.key("gateway", "ratelimit", bucket)},
                Integer.toString(perSecond), Integer.toString(burst), Integer.toString(wanted))
                .map(RateLimiter::lease)
                .subscribeAsCompletionStage();
    }

    private static Lease lease(Response reply) {
        return new Lease(reply.get(0).toInteger(), reply.get(1).toLong());
    }

    private static String loadScript() {
        try (InputStream in = RateLimiter.class.getResourceAsStream("/ratelimit/lease.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
