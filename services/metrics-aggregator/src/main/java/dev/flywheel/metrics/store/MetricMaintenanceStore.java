package dev.flywheel.metrics.store;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.store.MetricValueWriter.UnitMetric;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The statements of the two jobs that keep experiment statistics whole beside the batches: backfilling a new or
 * changed metric over the units exposed before it (in chunks, resumable from a cursor), and recomputing winsorised
 * metrics' capped sums. Both are idempotent, so replicas running them at once only repeat work.
 */
@ApplicationScoped
public class MetricMaintenanceStore {

    /** Units recomputed per transaction during a backfill. */
    static final int CHUNK = 2000;

    private final Pool pool;

    public MetricMaintenanceStore(Pool pool) {
        this.pool = pool;
    }

    /** Brings every metric with a backfill in progress to the end of it. */
    public Uni<Void> backfill() {
        return pool.query("SELECT project_id, metric_key, definition, rebuild_cursor FROM experiment_metric"
                + " WHERE rebuild_cursor IS NOT NULL ORDER BY project_id, metric_key").execute().chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row row : rows) {
                        String project = row.getString(0);
                        String key = row.getString(1);
                        UnitMetric metric = UnitMetric.of(MetricValueWriter.parse(row.getBuffer(2).getBytes()));
                        String cursor = row.getString(3);
                        chain = chain.chain(() -> backfill(project, key, metric, cursor));
                    }
                    return chain;
                });
    }

    /**
     * One chunk of units after the cursor (environment, then unit), recomputed under the project's shared
     * analytics lock like a batch; then the next, until none is left. A definition changed meanwhile resets the
     * cursor; this stops at once then, since the cursor it expects is gone.
     */
    Uni<Void> backfill(String project, String key, UnitMetric metric, String cursor) {
        return pool.withTransaction(connection -> connection.preparedQuery("""
                SELECT pg_advisory_xact_lock_shared(hashtext('flywheel.analytics:' || $1)),
                       (SELECT rebuild_cursor FROM experiment_metric WHERE project_id = $1 AND metric_key = $2
                        FOR UPDATE)""").execute(Tuple.of(project, key)).chain(locked -> {
            String current = locked.iterator().next().getString(1);
            if (!cursor.equals(current)) {
                return Uni.createFrom().item((String) null);
            }
            // The cursor is the last unit done: its environment and id, a line feed apart.
            int split = cursor.indexOf('\n');
            String[] after = split < 0
                    ? new String[]{"", ""}
                    : new String[]{cursor.substring(0, split), cursor.substring(split + 1)};
            return connection.preparedQuery("""
                    SELECT DISTINCT environment, unit_id FROM experiment_exposure
                    WHERE project_id = $1 AND (environment, unit_id) > ($2, $3)
                    ORDER BY environment, unit_id LIMIT $4""")
                    .execute(Tuple.of(project, after[0], after[1], CHUNK)).chain(units -> {
                        List<String[]> chunk = new ArrayList<>();
                        units.forEach(u -> chunk.add(new String[]{u.getString(0), u.getString(1)}));
                        String next = chunk.isEmpty()
                                ? null
                                : chunk.get(chunk.size() - 1)[0] + "\n" + chunk.get(chunk.size() - 1)[1];
                        Uni<Void> work = Uni.createFrom().voidItem();
                        int from = 0;
                        while (from < chunk.size()) {
                            String environment = chunk.get(from)[0];
                            List<String> ids = new ArrayList<>();
                            while (from < chunk.size() && chunk.get(from)[0].equals(environment)) {
                                ids.add(chunk.get(from++)[1]);
                            }
                            work = work.chain(() -> MetricValueWriter.recompute(connection, project,
                                    environment, ids, List.of(metric)));
                        }
                        return work.chain(() -> connection.preparedQuery("UPDATE experiment_metric"
                                + " SET rebuild_cursor = $3 WHERE project_id = $1 AND metric_key = $2")
                                .execute(Tuple.of(project, key, next)))
                                .replaceWith(next == null ? "" : next);
                    });
        })).chain(next -> next == null || next.isEmpty()
                ? Uni.createFrom().voidItem()
                : backfill(project, key, metric, next));
    }

    /**
     * Keeps today's row of every experiment metric's daily snapshot equal to its current sums (today in the project's
     * time zone): at the end of a day its row stays as the day left it.
     */
    public Uni<Void> snapshotDaily() {
        return pool
                .query("""
                        INSERT INTO experiment_metric_daily (project_id, environment, experiment_key, metric_key,
                            variation_index, day, units, sum_x, sum_xx, sum_y, sum_yy, sum_xy, sum_p, sum_pp, sum_xp,
                            snapshot_at)
                        SELECT s.project_id, s.environment, s.experiment_key, s.metric_key, s.variation_index,
                            (now() AT TIME ZONE coalesce(a.time_zone, 'UTC'))::date, s.units, s.sum_x, s.sum_xx, s.sum_y,
                            s.sum_yy, s.sum_xy, s.sum_p, s.sum_pp, s.sum_xp, now()
                        FROM experiment_metric_stats s LEFT JOIN analytics_settings a ON a.project_id = s.project_id
                        ON CONFLICT (project_id, environment, experiment_key, metric_key, day, variation_index) DO UPDATE
                        SET units = EXCLUDED.units, sum_x = EXCLUDED.sum_x, sum_xx = EXCLUDED.sum_xx,
                            sum_y = EXCLUDED.sum_y, sum_yy = EXCLUDED.sum_yy, sum_xy = EXCLUDED.sum_xy,
                            sum_p = EXCLUDED.sum_p, sum_pp = EXCLUDED.sum_pp, sum_xp = EXCLUDED.sum_xp,
                            snapshot_at = EXCLUDED.snapshot_at
                        WHERE (experiment_metric_daily.units, experiment_metric_daily.sum_x,
                            experiment_metric_daily.sum_xx, experiment_metric_daily.sum_y, experiment_metric_daily.sum_yy,
                            experiment_metric_daily.sum_xy, experiment_metric_daily.sum_p, experiment_metric_daily.sum_pp,
                            experiment_metric_daily.sum_xp) IS DISTINCT FROM (EXCLUDED.units, EXCLUDED.sum_x,
                            EXCLUDED.sum_xx, EXCLUDED.sum_y, EXCLUDED.sum_yy, EXCLUDED.sum_xy, EXCLUDED.sum_p,
                            EXCLUDED.sum_pp, EXCLUDED.sum_xp)
                        """)
                .execute().replaceWithVoid();
    }

    /**
     * Recomputes the capped sums of every winsorised metric: the cap is the metric's percentile over the units with
     * a positive value, per experiment; each unit's value and pre-exposure value are capped at it.
     */
    public Uni<Void> refreshCaps() {
        return pool.query("SELECT project_id, metric_key, definition FROM experiment_metric ORDER BY project_id,"
                + " metric_key").execute().chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row row : rows) {
                        ExperimentMetric metric = MetricValueWriter.parse(row.getBuffer(2).getBytes());
                        if (metric.getWinsorizePercentile() > 0) {
                            String project = row.getString(0);
                            chain = chain.chain(() -> refreshCaps(project, metric.getKey(),
                                    metric.getWinsorizePercentile()));
                        }
                    }
                    return chain;
                });
    }

    Uni<Void> refreshCaps(String project, String key, double percentile) {
        Tuple args = Tuple.of(project, key, percentile);
        return pool.withTransaction(connection -> connection.preparedQuery(
                "DELETE FROM experiment_metric_capped WHERE project_id = $1 AND metric_key = $2")
                .execute(Tuple.of(project, key))
                .chain(() -> connection.preparedQuery("""
                        INSERT INTO experiment_metric_capped (project_id, environment, experiment_key, metric_key,
                            variation_index, cap, computed_at, units, sum_x, sum_xx, sum_y, sum_yy, sum_xy, sum_p,
                            sum_pp, sum_xp)
                        SELECT u.project_id, u.environment, u.experiment_key, u.metric_key, u.variation_index, c.cap,
                               now(), count(*), sum(least(u.value, c.cap)), sum(least(u.value, c.cap) ^ 2),
                               sum(u.denominator), sum(u.denominator ^ 2), sum(least(u.value, c.cap) * u.denominator),
                               sum(least(u.pre, c.cap)), sum(least(u.pre, c.cap) ^ 2),
                               sum(least(u.value, c.cap) * least(u.pre, c.cap))
                        FROM experiment_unit_metric u
                        JOIN (SELECT environment, experiment_key,
                                     percentile_cont($3::float8) WITHIN GROUP (ORDER BY value) AS cap
                              FROM experiment_unit_metric
                              WHERE project_id = $1 AND metric_key = $2 AND value > 0
                              GROUP BY environment, experiment_key) c
                          ON c.environment = u.environment AND c.experiment_key = u.experiment_key
                        WHERE u.project_id = $1 AND u.metric_key = $2
                        GROUP BY u.project_id, u.environment, u.experiment_key, u.metric_key, u.variation_index,
                                 c.cap""").execute(args))
                .replaceWithVoid());
    }
}
