package dev.flywheel.metrics;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;

import dev.flywheel.metrics.config.AggregatorConfig;
import dev.flywheel.metrics.store.clickhouse.ClickHouseException;
import dev.flywheel.metrics.store.clickhouse.ClickHouseHttp;
import dev.flywheel.metrics.store.clickhouse.ClickHouseSql;
import io.quarkus.arc.Arc;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads the store directly, to check what the consumer wrote. */
final class StoreQueries {

    private final Pool pool;

    StoreQueries(Pool pool) {
        this.pool = pool;
    }

    long number(String sql, Object... params) {
        Row row = pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(Duration.ofSeconds(10))
                .iterator().next();
        Long value = row.getLong(0);
        return value == null ? 0 : value;
    }

    String text(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getString(0);
    }

    long events(String environment) {
        return number("SELECT count(*) FROM event WHERE environment = $1", environment);
    }

    /** Waits until the environment holds {@code expected} events (and fails if it ever holds more). */
    void awaitEvents(String environment, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long now = 0;
        while (System.nanoTime() < deadline) {
            now = events(environment);
            if (now == expected) {
                awaitClickHouse(environment, expected, deadline);
                return;
            }
            if (now > expected) {
                fail(environment + " holds " + now + " events, more than the " + expected + " sent");
            }
            Thread.sleep(100);
        }
        fail(environment + " holds " + now + " events after 60 s; expected " + expected);
    }

    /** When ClickHouse is the event store, waits until its consumer has stored the events too. */
    private static void awaitClickHouse(String environment, long expected, long deadline)
            throws InterruptedException {
        AggregatorConfig config = Arc.container().instance(AggregatorConfig.class).get();
        if (config.eventStore().kind() != AggregatorConfig.EventStoreSettings.Kind.CLICKHOUSE) {
            return;
        }
        ClickHouseHttp clickHouse = Arc.container().instance(ClickHouseHttp.class).get();
        long now = 0;
        while (System.nanoTime() < deadline) {
            long[] count = new long[1];
            try {
                clickHouse.select("SELECT uniqExact(message_id) FROM events WHERE environment = "
                        + ClickHouseSql.literal(environment), List.of(), row -> count[0] = Long.parseLong(row[0]))
                        .await().atMost(Duration.ofSeconds(10));
            } catch (ClickHouseException notYetCreated) {
                count[0] = -1;
            }
            now = count[0];
            if (now == expected) {
                return;
            }
            Thread.sleep(100);
        }
        fail(environment + " holds " + now + " events in ClickHouse after 60 s; expected " + expected);
    }

    /** Every rollup of an environment, as one comparable text. */
    String rollups(String environment) {
        return text("""
                SELECT concat_ws(' | ',
                  (SELECT string_agg(name || '@' || day || '=' || events, ',' ORDER BY name, day)
                     FROM event_count_daily WHERE environment = $1),
                  (SELECT string_agg(distinct_id || ':' || name || '@' || day || '=' || events || active, ','
                                     ORDER BY distinct_id, name, day)
                     FROM activity_daily WHERE environment = $1),
                  (SELECT string_agg(distinct_id || '@' || day, ',' ORDER BY distinct_id, day)
                     FROM daily_active WHERE environment = $1),
                  (SELECT string_agg(distinct_id || '>' || first_at, ',' ORDER BY distinct_id)
                     FROM first_seen WHERE environment = $1))""", environment);
    }
}
