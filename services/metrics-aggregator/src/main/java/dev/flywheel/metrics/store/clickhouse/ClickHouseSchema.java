package dev.flywheel.metrics.store.clickhouse;

import java.util.List;

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
     * Ordered for the queries' access path: an environment's events of a name (a query reads a few names), then by
     * distinct id and time, as every insight aggregates per person and rows that arrive grouped by id aggregate
     * several times faster than ids in random order (at 10M events: a funnel 2×, per-person day sets 2–6×, a trend 7×
     * against either key alone). A replayed event has the same key, so merges keep it once. Partitioned by month, as
     * retention drops whole months.
     */
    static final String SORTING_KEY = "project_id, environment, name, distinct_id, ts_ms, message_id";
    public static final String LAYOUT = " PARTITION BY toYYYYMM(ts) ORDER BY (" + SORTING_KEY + ")";

    /**
     * Who was active when: per distinct id, the 15-minute periods with activity (track, page or screen calls of
     * people) and how many events. Every time zone's day is a whole number of these periods, so active users,
     * stickiness and lifecycle read these instead of every event. Summed by merges; a period's presence is what
     * queries use, so an event counted twice changes nothing.
     */
    public static final String ACTIVITY_COLUMNS = "project_id String, environment String, distinct_id String,"
            + " period DateTime, events UInt64";
    public static final String ACTIVITY_LAYOUT = " PARTITION BY toYYYYMM(period) ORDER BY (project_id, environment,"
            + " distinct_id, period)";

    /** The materialized view's query: what an insert into {@code events} adds to the activity table. */
    public static String activityOf(String events) {
        return "SELECT project_id, environment, distinct_id, toStartOfFifteenMinutes(ts) AS period, count() AS events"
                + " FROM " + events + " WHERE " + ClickHouseSql.ACTIVITY
                + " GROUP BY project_id, environment, distinct_id, period";
    }

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
     * Creates the database and tables on one server. On a cluster the operator creates them (docs/operations.md:
     * ReplicatedMergeTree {@code events_local} and {@code activity_local} with its view on every node, Distributed
     * {@code events} and {@code activity} over them), since distributed DDL needs ClickHouse Keeper; here it is only
     * checked that both are there.
     */
    public Uni<Void> create() {
        String database = config.database();
        if (config.cluster().isPresent()) {
            return http.execute("SELECT count() FROM " + database + ".events WHERE 0", false)
                    .chain(() -> http.execute("SELECT count() FROM " + database + ".activity WHERE 0", false));
        }
        return http.execute("CREATE DATABASE IF NOT EXISTS " + database, false)
                .chain(() -> http.execute(create(database + ".events"), false))
                .chain(() -> relayout(database))
                .chain(() -> activity(database));
    }

    /**
     * The activity table and the materialized view that fills it on every insert; made once, with what
     * {@code events} already holds. The view comes last: a crash before it makes everything again at the next start
     * (this runs before this process's first insert).
     */
    private Uni<Void> activity(String database) {
        StringBuilder views = new StringBuilder();
        return http.select("SELECT count() FROM system.tables WHERE database = " + ClickHouseSql.literal(database)
                + " AND name = 'activity_writer'", List.of(), row -> views.append(row[0])).chain(() -> {
                    if (!views.toString().equals("0")) {
                        return Uni.createFrom().voidItem();
                    }
                    String table = database + ".activity";
                    return http.execute("DROP TABLE IF EXISTS " + table, false)
                            .chain(() -> http.execute("CREATE TABLE " + table + " (" + ACTIVITY_COLUMNS
                                    + ") ENGINE = SummingMergeTree()" + ACTIVITY_LAYOUT, false))
                            .chain(() -> http.execute("INSERT INTO " + table + " " + activityOf(database
                                    + ".events"), false))
                            .chain(() -> http.execute("CREATE MATERIALIZED VIEW " + database + ".activity_writer TO "
                                    + table + " AS " + activityOf(database + ".events"), false));
                });
    }

    private static String create(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (" + COLUMNS + ") ENGINE = ReplacingMergeTree()" + LAYOUT;
    }

    /**
     * A table made by an earlier version with another sorting key is copied into one with the current key and
     * swapped in (a crash midway leaves the old table in place, and the copy starts again).
     */
    private Uni<Void> relayout(String database) {
        StringBuilder key = new StringBuilder();
        return http.select("SELECT sorting_key FROM system.tables WHERE database = " + ClickHouseSql.literal(database)
                + " AND name = 'events'", List.of(), row -> key.append(row[0])).chain(() -> {
                    if (key.toString().replace(" ", "").equals(SORTING_KEY.replace(" ", ""))) {
                        // left by a stop between the swap and the drop
                        return http.execute("DROP TABLE IF EXISTS " + database + ".events_previous", false);
                    }
                    String copy = database + ".events_relayout";
                    return http.execute("DROP TABLE IF EXISTS " + copy, false)
                            .chain(() -> http.execute(create(copy), false))
                            .chain(() -> http.execute("INSERT INTO " + copy + " SELECT * FROM " + database
                                    + ".events", false))
                            .chain(() -> http.execute("RENAME TABLE " + database + ".events TO " + database
                                    + ".events_previous, " + copy + " TO " + database + ".events", false))
                            .chain(() -> http.execute("DROP TABLE " + database + ".events_previous", false));
                });
    }
}
