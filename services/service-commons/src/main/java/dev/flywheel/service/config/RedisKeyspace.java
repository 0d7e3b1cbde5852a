package dev.flywheel.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where a service's keys live in the shared Redis. */
@ConfigMapping(prefix = "flywheel.redis")
public interface RedisKeyspace {

    /** Prefix of every key this deployment writes; tests get one of their own per run. */
    @WithDefault("fw:")
    String keyPrefix();

    /** The full key for the given parts, joined with ':'. */
    default String key(String... parts) {
        return keyPrefix() + String.join(":", parts);
    }
}
