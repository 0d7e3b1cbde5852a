package dev.flywheel.metrics.store.clickhouse;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.flywheel.metrics.config.AggregatorConfig;
import io.smallrye.mutiny.Uni;

/**
 * The events table (docs/adr/0013-clickhouse-event-store.md): on one server a ReplacingMergeTree created when
 * missing; on a cluster a Distributed table over the shards' tables. Written so that 18.16 and current releases
 * both accept it.
 */
@ApplicationScoped
public class ClickHouseSchema {

    /** Columns of the events table; see ClickHouseSql for the flattened properties. */
    public static final String COLUMNS = """
            project_id String, environment String, message_id String, type UInt8, source UInt8, name String,
            distinct_id String, ts DateTime, ts_ms Int64,
            prop_keys Array(String), prop_values Array(String), prop_kinds Array(UInt8),
            kafka_partition Int32, kafka_offset Int64""";
    /**
     * Ordered for the queries' access paths (an environment's events of a name over time); a replayed event has the
     * same key, so merges keep it once. Partitioned by month, as retention drops whole months.
     */
    public static final String LAYOUT = " PARTITION BY toYYYYMM(ts) ORDER BY (project_id, environment, name, ts_ms,"
            + " message_id)";

    private final ClickHouseHttp http;
    private final AggregatorConfig.ClickHouse config;

    @Inject
    public ClickHouseSchema(ClickHouseHttp http, AggregatorConfig config) {
        this(http, config.eventStore().clickhouse());
    }

    public ClickHouseSchema(ClickHouseHttp http, AggregatorConfig.ClickHouse config) {
        this.http = http;
        this.config = config;
    }

    /**
     * Creates the database and table on one server. On a cluster the operator creates them (docs/operations.md:
     * ReplicatedMergeTree {@code events_local} on every node, a Distributed {@code events} over them), since
     * distributed DDL needs ClickHouse Keeper; here it is only checked that {@code events} is there.
     */
    public Uni<Void> create() {
        String database = config.database();
        if (config.cluster().isPresent()) {
            return http.execute("SELECT count() FROM " + database + ".events WHERE 0", false);
        }
        return http.execute("CREATE DATABASE IF NOT EXISTS " + database, false)
                .chain(() -> http.execute("CREATE TABLE IF NOT EXISTS " + database + ".events (" + COLUMNS
                        + ") ENGINE = ReplacingMergeTree()" + LAYOUT, false));
    }
}
