package dev.flywheel.service.health;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which dependencies an app watches, and which of them it cannot serve without (docs/operations.md). */
@ConfigMapping(prefix = "flywheel.health")
public interface HealthConfig {

    /**
     * The dependencies this app uses: each is probed in the background and reported on /q/health/group/dependencies.
     */
    @WithDefault("postgresql,redis")
    Set<Dependency> probed();

    /** Those it cannot serve anything without: while one is down the app is not ready. Unset: always ready. */
    Optional<Set<Dependency>> required();

    /** How often each dependency is probed. */
    @WithDefault("1S")
    Duration interval();

    /** How long one probe may take before the dependency counts as down (readiness itself never waits). */
    @WithDefault("800MS")
    Duration timeout();

    enum Dependency {
        POSTGRESQL, REDIS, KAFKA
    }
}
