package dev.flywheel.metrics.config;

import java.time.Duration;
import java.util.Optional;

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

    /** Where analytics reads events from (docs/adr/0013-clickhouse-event-store.md). */
    EventStoreSettings eventStore();

    interface EventStoreSettings {
        enum Kind {
            /** PostgreSQL's event table and rollups: the smallest installations. */
            POSTGRES,
            /** ClickHouse, filled by a consumer group of its own. */
            CLICKHOUSE
        }

        @WithDefault("postgres")
        Kind kind();

        ClickHouse clickhouse();
    }

    interface ClickHouse {
        /** The HTTP interface of a server (or of any node of the cluster). */
        @WithDefault("http://127.0.0.1:8123")
        String url();

        @WithDefault("flywheel")
        String database();

        @WithDefault("default")
        String user();

        Optional<String> password();

        /**
         * A cluster's name (remote_servers): events go to a ReplicatedMergeTree table on every node and are read
         * through a Distributed table; unset for one server.
         */
        Optional<String> cluster();

        /** The consumer group that fills ClickHouse, beside the PostgreSQL consumer's. */
        @WithDefault("flywheel-metrics-aggregator-clickhouse")
        String groupId();

        /** Events per insert, at most: ClickHouse likes few large inserts. */
        @WithDefault("20000")
        int maxBatch();

        /** How long a query may run before ClickHouse cancels it. */
        @WithDefault("60s")
        Duration queryTimeout();
    }

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

        /**
         * Off pauses only the PostgreSQL consumer (ClickHouse's keeps going): for benchmarks of ClickHouse's ingest
         * alone, or while PostgreSQL is maintained. Links, traits and experiment sums wait meanwhile.
         */
        @WithDefault("true")
        boolean postgresEnabled();

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
