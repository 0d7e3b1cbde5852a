package dev.flywheel.testsupport;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Uses the machine's real Redis, isolated by a key prefix unique to this run: every key a Flywheel service writes
 * starts with {@code flywheel.redis.key-prefix}, and all of them carry a TTL, so nothing outlives the run for long.
 */
public class RedisIsolationResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String prefix = "fwtest:" + UUID.randomUUID().toString().substring(0, 8) + ":";
        return Map.of(
                "quarkus.redis.hosts", InfrastructureSettings.redisUrl(),
                "flywheel.redis.key-prefix", prefix);
    }

    @Override
    public void stop() {
    }
}
