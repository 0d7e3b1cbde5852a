package dev.flywheel.featureflags.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The feature-flags service's own settings. */
@ConfigMapping(prefix = "flywheel.flags")
public interface FlagsConfig {

    /** How often open EventStreams get a keep_alive (flagd sends one about every 20 seconds). */
    @WithDefault("20S")
    Duration keepAliveInterval();

    /** How often every cached environment is compared with the database, in case a change notification was lost. */
    @WithDefault("30S")
    Duration resyncInterval();

    /** Syncing FeatureFlag custom resources from the cluster. */
    Kubernetes kubernetes();

    interface Kubernetes {
        /** Whether to watch FeatureFlag resources (needs the CRD and RBAC to list and watch them). */
        @WithDefault("false")
        boolean enabled();

        /** The namespace to watch; every namespace when unset. */
        java.util.Optional<String> namespace();
    }

}
