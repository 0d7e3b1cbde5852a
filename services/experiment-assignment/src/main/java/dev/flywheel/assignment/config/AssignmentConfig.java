package dev.flywheel.assignment.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The experiment-assignment service's settings (prefix {@code flywheel.assignment}). */
@ConfigMapping(prefix = "flywheel.assignment")
public interface AssignmentConfig {

    /** How often every cached environment is checked against the database, in case a notification was missed. */
    @WithDefault("30S")
    Duration resyncInterval();

    /**
     * How long a user's sticky buckets are kept after their last write. Longer than any experiment runs; each user
     * costs one small Redis hash per hash attribute.
     */
    @WithDefault("180D")
    Duration stickyTtl();

    /**
     * How long "this user was exposed to this experiment" is remembered, so the exposure is sent once. Each
     * (user, experiment) costs about 80 bytes of Redis; an exposure repeated after this is absorbed downstream, as
     * its message id is deterministic.
     */
    @WithDefault("30D")
    Duration exposureTtl();

    /** Largest attribute map accepted in one request, in bytes of protobuf. */
    @WithDefault("16384")
    int maxAttributesBytes();

    /** The exposure producer's tuning. */
    Producer producer();

    interface Producer {
        @WithDefault("5ms")
        Duration linger();

        @WithDefault("15S")
        Duration deliveryTimeout();

        @WithDefault("5S")
        Duration maxBlock();
    }
}
