package dev.flywheel.service.auth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How services check the API keys of direct gRPC callers with the gateway's AuthService. */
@ConfigMapping(prefix = "flywheel.auth")
public interface AuthConfig {

    /** How long a resolved key is trusted before asking the gateway again (a revocation takes at most this long). */
    @WithDefault("10S")
    Duration keyCacheTtl();

    /** How long one lookup may take before the caller is told to retry. */
    @WithDefault("5S")
    Duration lookupTimeout();
}
