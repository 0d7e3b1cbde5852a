package dev.flywheel.metrics.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The metrics-aggregator's settings (prefix {@code flywheel.aggregator}). */
@ConfigMapping(prefix = "flywheel.aggregator")
public interface AggregatorConfig {

    /** The event consumer. */
    Consumer consumer();

    /** Limits on queries. */
    Queries queries();

    /** Experiment statistics. */
    Experiments experiments();

    interface Experiments {
        /**
         * How often metric backfills continue and winsorised metrics' caps are recomputed (0: never, for tools
         * and tests that run them by hand).
         */
        @WithDefault("30s")
        Duration maintenanceInterval();
    }

    interface Consumer {
        /** Off only for tools that read the store without filling it. */
        @WithDefault("true")
        boolean enabled();

        /** The topic every event enters the platform through. */
        @WithDefault("flywheel.events.v1")
        String topic();

        /** Replicas share the topic's partitions through this consumer group. */
        @WithDefault("flywheel-metrics-aggregator")
        String groupId();

        /** Events stored per transaction, at most. Larger batches amortise the rollup upserts. */
        @WithDefault("2000")
        int maxBatch();

        /** How long one poll waits for events. */
        @WithDefault("500ms")
        Duration pollTimeout();

        /** The wait before retrying a batch the database refused; it doubles up to a minute. */
        @WithDefault("500ms")
        Duration retryBackoff();
    }

    interface Queries {
        /** How long a query may run in PostgreSQL before it is cancelled. */
        @WithDefault("60s")
        Duration timeout();

        /** Breakdown values kept per query; the rest is grouped as "$other". */
        @WithDefault("25")
        int maxBreakdownValues();
    }
}
