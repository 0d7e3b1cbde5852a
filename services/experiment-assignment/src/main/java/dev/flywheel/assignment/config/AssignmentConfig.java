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
     * How long a user's state (sticky buckets and sent exposures) is kept after its last write. Longer than any
     * experiment runs; each user costs one small Redis hash per hash attribute, about 40 bytes per experiment.
     */
    @WithDefault("180D")
    Duration stickyTtl();

    /**
     * Assignment requests being answered at once before new ones are refused (RESOURCE_EXHAUSTED, retry): under
     * overload the service sheds early instead of queueing on Redis until every request times out.
     */
    @WithDefault("1000")
    int maxRequestsInFlight();

    /** Largest attribute map accepted in one request, in bytes of protobuf. */
    @WithDefault("16384")
    int maxAttributesBytes();

    /**
     * How long an exposure token (an assignment made with deferred exposures) can be recorded after it was issued.
     * Clients assign again at least this often (the browser SDK does at every start).
     */
    @WithDefault("24H")
    Duration exposureTokenLifetime();

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
