package dev.flywheel.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.RedisClient;

/**
 * The Redis sticky-bucket store on the machine's Redis ({@code FLYWHEEL_REDIS_URL}): the assignment service's key
 * layout, visible to another replica once loaded, and never a Redis call on the caller's thread.
 */
class RedisStickyBucketStoreTest {

    final String prefix = "fw-sdk-test-" + UUID.randomUUID() + ":";
    final RedisClient redis = RedisClient.create(URI.create(System.getenv().getOrDefault("FLYWHEEL_REDIS_URL",
            "redis://127.0.0.1:6379")));

    @AfterEach
    void clean() {
        redis.keys(prefix + "*").forEach(redis::del);
        redis.close();
    }

    @Test
    void assignmentsAreSharedInTheServicesLayout() throws Exception {
        StickyBucketStore.Document user = new StickyBucketStore.Document("project-1", "production", "id", "u1");
        try (RedisStickyBucketStore one = new RedisStickyBucketStore(redis, prefix, Duration.ofMinutes(5), 1000);
                RedisStickyBucketStore other = new RedisStickyBucketStore(redis, prefix, Duration.ofMinutes(5),
                        1000)) {
            one.save(user, "checkout__0", "treatment");
            assertEquals(Map.of("checkout__0", "treatment"), one.cached(user), "held at once where it was made");
            String key = prefix + "assign:user:project-1:production:id||u1";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (redis.hget(key, "checkout__0") == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals("treatment", redis.hget(key, "checkout__0"));
            // the service's exposure marks live in the same hash; they are not buckets
            redis.hset(key, "x:checkout__0", "1");
            assertEquals(Map.of(), other.cached(user), "another replica holds nothing before loading");
            other.load(List.of(user)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(Map.of("checkout__0", "treatment"), other.cached(user));
        }
    }
}
