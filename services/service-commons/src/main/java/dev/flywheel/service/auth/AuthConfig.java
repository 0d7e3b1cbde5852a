package dev.flywheel.service.auth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How services check the API keys of direct gRPC callers with the gateway's AuthService. */
@ConfigMapping(prefix = "flywheel.auth")
public interface AuthConfig {

    /**
     * How long a resolved key is remembered before asking the gateway again. Revocations end it at once while this
     * replica hears them; otherwise a key is trusted for at most a second (ADR 0008).
     */
    @WithDefault("10S")
    Duration keyCacheTtl();

    /** How long one lookup may take before the caller is told to retry. */
    @WithDefault("5S")
    Duration lookupTimeout();
}
