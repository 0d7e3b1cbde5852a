package dev.flywheel.metrics.store;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.analysis.ExperimentSums;
import dev.flywheel.metrics.analysis.Sums;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads what an experiment's results are computed from: the metric definitions and the maintained sums. */
@ApplicationScoped
public class ExperimentStatsStore {

    private static final String METRICS = "SELECT definition, version, rebuild_cursor IS NULL FROM experiment_metric"
            + " WHERE project_id = $1 ORDER BY metric_key";
    private static final String RAW = "SELECT * FROM experiment_metric_stats WHERE project_id = $1"
            + " AND environment = $2 AND experiment_key = $3";
    private static final String CAPPED = "SELECT * FROM experiment_metric_capped WHERE project_id = $1"
            + " AND environment = $2 AND experiment_key = $3";
    private static final String SPAN = "SELECT min(first_exposed_at), max(last_exposed_at) FROM experiment_variation"
            + " WHERE project_id = $1 AND environment = $2 AND experiment_key = $3";

    private static final String DAILY = "SELECT * FROM experiment_metric_daily WHERE project_id = $1"
            + " AND environment = $2 AND experiment_key = $3 ORDER BY day";

    private final Pool pool;

    public ExperimentStatsStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<ExperimentSums> sums(Scope scope, String experiment) {
        Tuple key = Tuple.of(scope.projectId(), scope.environment(), experiment);
        Uni<RowSet<Row>> metrics = pool.preparedQuery(METRICS).execute(Tuple.of(scope.projectId()));
        Uni<RowSet<Row>> raw = pool.preparedQuery(RAW).execute(key);
        Uni<RowSet<Row>> capped = pool.preparedQuery(CAPPED).execute(key);
        Uni<RowSet<Row>> span = pool.preparedQuery(SPAN).execute(key);
        return Uni.combine().all().unis(metrics, raw, capped, span).with((m, r, c, s) -> {
            List<ExperimentMetric> definitions = new ArrayList<>();
            Map<String, Boolean> complete = new HashMap<>();
            for (Row row : m) {
                ExperimentMetric metric = MetricValueWriter.parse(row.getBuffer(0).getBytes()).toBuilder()
                        .setVersion(row.getLong(1)).build();
                definitions.add(metric);
                complete.put(metric.getKey(), row.getBoolean(2));
            }
            Row times = s.iterator().next();
            return new ExperimentSums(definitions, complete, sums(r, false), sums(c, true),
                    instant(times.getOffsetDateTime(0)), instant(times.getOffsetDateTime(1)));
        });
    }

    /** The daily snapshots of the experiment's sums, oldest day first: by day, metric, then variation. */
    public Uni<Map<LocalDate, Map<String, Map<Integer, Sums>>>> daily(Scope scope, String experiment) {
        return pool.preparedQuery(DAILY).execute(Tuple.of(scope.projectId(), scope.environment(), experiment))
                .map(rows -> {
                    Map<LocalDate, List<Row>> byDay = new TreeMap<>();
                    for (Row row : rows) {
                        byDay.computeIfAbsent(row.getLocalDate("day"), d -> new ArrayList<>()).add(row);
                    }
                    Map<LocalDate, Map<String, Map<Integer, Sums>>> out = new LinkedHashMap<>();
                    byDay.forEach((day, dayRows) -> out.put(day, sums(dayRows, false)));
                    return out;
                });
    }

    private static Map<String, Map<Integer, Sums>> sums(Iterable<Row> rows, boolean capped) {
        Map<String, Map<Integer, Sums>> out = new HashMap<>();
        for (Row row : rows) {
            out.computeIfAbsent(row.getString("metric_key"), k -> new HashMap<>())
                    .put(row.getInteger("variation_index"), new Sums(row.getLong("units"), row.getDouble("sum_x"),
                            row.getDouble("sum_xx"), row.getDouble("sum_y"), row.getDouble("sum_yy"),
                            row.getDouble("sum_xy"), row.getDouble("sum_p"), row.getDouble("sum_pp"),
                            row.getDouble("sum_xp"), capped ? row.getDouble("cap") : 0,
                            capped ? instant(row.getOffsetDateTime("computed_at")) : null));
        }
        return out;
    }

    private static java.time.Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }
}
