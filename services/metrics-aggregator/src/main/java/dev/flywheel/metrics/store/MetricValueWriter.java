package dev.flywheel.metrics.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.QueryMapper;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.MetricType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps each exposed unit's value of each experiment metric, and the per-variation sums results read (ADR 0006).
 * A unit whose events or exposure changed is recomputed from its own stored events, and the difference between its
 * old and new values goes into the sums in the same transaction. Recomputing rather than adding makes the result
 * independent of the order events and exposures arrive in: an event stored before its unit's exposure is counted
 * when the exposure comes.
 */
public final class MetricValueWriter {

    /** An experiment metric as the store computes it. */
    public record UnitMetric(String key, MetricType type, EventMatch events, String property, EventMatch denominator,
            String denominatorProperty, long windowStartSeconds, long windowSeconds, int cupedDays) {

        public static UnitMetric of(ExperimentMetric metric) {
            return new UnitMetric(metric.getKey(), metric.getType(),
                    QueryMapper.match(metric.getEvents(), "events", true),
                    metric.getProperty().isEmpty() ? null : metric.getProperty(),
                    metric.hasDenominatorEvents()
                            ? QueryMapper.match(metric.getDenominatorEvents(), "denominatorEvents", true)
                            : null,
                    metric.getDenominatorProperty().isEmpty() ? null : metric.getDenominatorProperty(),
                    metric.getWindowStartSeconds(), metric.getWindowSeconds(), metric.getCupedDays());
        }

        /** Whether the event could change a unit's value (its conditions are checked in the recomputation). */
        boolean mayCount(StoredEvent event) {
            return matchesName(events, event) || denominator != null && matchesName(denominator, event);
        }

        private static boolean matchesName(EventMatch match, StoredEvent event) {
            return match.anyActivity() ? event.isActivity() : match.event().equals(event.name());
        }

        boolean conversion() {
            return type == MetricType.METRIC_TYPE_CONVERSION || type == MetricType.METRIC_TYPE_RETENTION;
        }

        boolean hasDenominator() {
            return type == MetricType.METRIC_TYPE_RATIO || type == MetricType.METRIC_TYPE_MEAN;
        }
    }

    private record ArmKey(String experiment, String metric, int variation) {
        static final Comparator<ArmKey> ORDER = Comparator.comparing(ArmKey::experiment)
                .thenComparing(ArmKey::metric).thenComparingInt(ArmKey::variation);
    }

    /** Added to a variation's sums per unit: units, x, x^2, y, y^2, xy, p, p^2, xp. */
    private static double[] contribution(double x, double y, double p) {
        return new double[]{1, x, x * x, y, y * y, x * y, p, p * p, x * p};
    }

    private MetricValueWriter() {
    }

    /** The batch's part: units with a new exposure or a new event some metric of their project may count. */
    static Uni<Void> write(SqlConnection connection, List<StoredEvent> events) {
        String[] projects = events.stream().map(StoredEvent::projectId).distinct().sorted().toArray(String[]::new);
        return definitions(connection, projects).chain(metrics -> {
            if (metrics.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Map<List<String>, Set<String>> candidates = new TreeMap<>(Comparator.comparing((List<String> k) -> k
                    .get(0)).thenComparing(k -> k.get(1)));
            for (StoredEvent event : events) {
                List<UnitMetric> ofProject = metrics.get(event.projectId());
                if (ofProject == null) {
                    continue;
                }
                String unit = null;
                if (event.exposure() != null) {
                    unit = event.exposure().unitId();
                } else if (ofProject.stream().anyMatch(m -> m.mayCount(event))) {
                    unit = event.distinctId();
                }
                if (unit != null) {
                    candidates.computeIfAbsent(List.of(event.projectId(), event.environment()),
                            k -> new TreeSet<>()).add(unit);
                }
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Map.Entry<List<String>, Set<String>> scope : candidates.entrySet()) {
                String project = scope.getKey().get(0);
                chain = chain.chain(() -> recompute(connection, project, scope.getKey().get(1),
                        List.copyOf(scope.getValue()), metrics.get(project)));
            }
            return chain;
        });
    }

    /** Every metric of the given projects, compiled. */
    static Uni<Map<String, List<UnitMetric>>> definitions(SqlConnection connection, String[] projects) {
        return connection.preparedQuery("""
                SELECT project_id, definition FROM experiment_metric WHERE project_id = ANY($1::text[])
                ORDER BY project_id, metric_key""").execute(Tuple.of((Object) projects)).map(rows -> {
            Map<String, List<UnitMetric>> out = new HashMap<>();
            for (Row row : rows) {
                out.computeIfAbsent(row.getString(0), p -> new ArrayList<>()).add(UnitMetric.of(
                        parse(row.getBuffer(1).getBytes())));
            }
            return out;
        });
    }

    public static ExperimentMetric parse(byte[] definition) {
        try {
            return ExperimentMetric.parseFrom(definition);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored metric definition is unreadable", e);
        }
    }

    /**
     * Recomputes the units' values of the metrics in every experiment they are exposed to, and moves the sums by
     * the differences. Each unit is locked for the transaction first, so a concurrent batch (the unit's exposure
     * and events may come through different partitions) or backfill sees this one's result, not its start.
     */
    public static Uni<Void> recompute(SqlConnection connection, String project, String environment,
            List<String> units, List<UnitMetric> metrics) {
        if (units.isEmpty() || metrics.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] ids = units.toArray(String[]::new);
        Map<ArmKey, double[]> deltas = new TreeMap<>(ArmKey.ORDER);
        List<Tuple> changed = new ArrayList<>();
        Uni<Void> chain = connection.preparedQuery("""
                SELECT count(pg_advisory_xact_lock(h)) FROM (
                    SELECT DISTINCT hashtextextended('flywheel.unit:' || $1 || ':' || $2 || ':' || u, 0) AS h
                    FROM unnest($3::text[]) AS u ORDER BY 1) AS locks""")
                .execute(Tuple.of(project, environment, ids)).replaceWithVoid();
        for (UnitMetric metric : metrics) {
            chain = chain.chain(() -> values(connection, project, environment, ids, metric).invoke(rows -> {
                for (Row row : rows) {
                    diff(metric.key(), row, deltas, changed, project, environment);
                }
            })).replaceWithVoid();
        }
        return chain.chain(() -> saveUnits(connection, changed))
                .chain(() -> saveSums(connection, project, environment, deltas));
    }

    private static void diff(String metric, Row row, Map<ArmKey, double[]> deltas, List<Tuple> changed,
            String project, String environment) {
        String experiment = row.getString(0);
        String unit = row.getString(1);
        int variation = row.getInteger(2);
        double x = row.getDouble(3);
        double y = row.getDouble(4);
        double p = row.getDouble(5);
        Integer oldVariation = row.getInteger(6);
        if (oldVariation != null) {
            double oldX = row.getDouble(7);
            double oldY = row.getDouble(8);
            double oldP = row.getDouble(9);
            if (oldVariation == variation && oldX == x && oldY == y && oldP == p) {
                return;
            }
            add(deltas.computeIfAbsent(new ArmKey(experiment, metric, oldVariation), k -> new double[9]),
                    contribution(oldX, oldY, oldP), -1);
        }
        add(deltas.computeIfAbsent(new ArmKey(experiment, metric, variation), k -> new double[9]),
                contribution(x, y, p), 1);
        changed.add(Tuple.from(new Object[]{project, environment, experiment, metric, unit, variation, x, y, p}));
    }

    private static void add(double[] sums, double[] contribution, int sign) {
        for (int i = 0; i < sums.length; i++) {
            sums[i] += sign * contribution[i];
        }
    }

    /**
     * Each unit's value (x), denominator (y) and pre-exposure value (p) of one metric per experiment it is exposed
     * to, beside what is stored for it now.
     */
    private static Uni<Iterable<Row>> values(SqlConnection connection, String project, String environment,
            String[] units, UnitMetric metric) {
        EventSql sql = new EventSql();
        String projectParam = sql.param(project);
        String environmentParam = sql.param(environment);
        String unitsParam = sql.param(units);
        String keyParam = sql.param(metric.key());
        String start = "x.exposed_at + make_interval(secs => " + sql.param((double) metric.windowStartSeconds())
                + ")";
        String inWindow = "e.ts >= " + start;
        String upper = "";
        if (metric.windowSeconds() > 0) {
            String end = "x.exposed_at + make_interval(secs => "
                    + sql.param((double) (metric.windowStartSeconds() + metric.windowSeconds())) + ")";
            inWindow += " AND e.ts < " + end;
            upper = " AND e.ts < " + end;
        }
        boolean cuped = metric.cupedDays() > 0 && !metric.hasDenominator();
        String lower = cuped ? "x.exposed_at - make_interval(days => " + sql.param(metric.cupedDays()) + ")" : start;
        String before = "e.ts < x.exposed_at";

        String value;
        String denominator = "0";
        String pre = "0";
        switch (metric.type()) {
            case METRIC_TYPE_CONVERSION, METRIC_TYPE_RETENTION -> {
                value = "(" + count(sql.match(metric.events()) + " AND " + inWindow) + " > 0)::int";
                if (cuped) {
                    pre = "(" + count(sql.match(metric.events()) + " AND " + before) + " > 0)::int";
                }
            }
            case METRIC_TYPE_COUNT -> {
                value = count(sql.match(metric.events()) + " AND " + inWindow);
                if (cuped) {
                    pre = count(sql.match(metric.events()) + " AND " + before);
                }
            }
            case METRIC_TYPE_SUM -> {
                value = sum(sql, metric.property(), sql.match(metric.events()) + " AND " + inWindow);
                if (cuped) {
                    pre = sum(sql, metric.property(), sql.match(metric.events()) + " AND " + before);
                }
            }
            case METRIC_TYPE_MEAN -> {
                String matched = sql.match(metric.events()) + " AND " + inWindow;
                value = sum(sql, metric.property(), matched);
                denominator = "count(" + sql.number(metric.property()) + ") FILTER (WHERE " + matched + ")";
            }
            case METRIC_TYPE_RATIO -> {
                String numerator = sql.match(metric.events()) + " AND " + inWindow;
                value = metric.property() == null ? count(numerator) : sum(sql, metric.property(), numerator);
                String matched = sql.match(metric.denominator()) + " AND " + inWindow;
                denominator = metric.denominatorProperty() == null
                        ? count(matched)
                        : sum(sql, metric.denominatorProperty(), matched);
            }
            default -> throw new IllegalStateException("unknown metric type " + metric.type());
        }
        boolean person = EventSql.needsPerson(metric.events())
                || metric.denominator() != null && EventSql.needsPerson(metric.denominator());
        // One unit at a time (LATERAL), so each lookup is an index probe by unit id whatever the planner's
        // statistics say; event names are checked in the aggregates, not in the join, for the same reason: the
        // only index the join can use is the one by distinct_id and time. OFFSET 0 keeps the planner from flattening
        // the exposure lookup into a scan of the environment when its statistics lag a fast-growing table.
        String text = "SELECT x.experiment_key, x.unit_id, x.variation_index, v.value, v.denominator, v.pre,"
                + " o.variation_index, o.value, o.denominator, o.pre"
                + " FROM unnest(" + unitsParam + "::text[]) AS u(id)"
                + " JOIN LATERAL (SELECT * FROM experiment_exposure x WHERE x.project_id = " + projectParam
                + " AND x.environment = " + environmentParam + " AND x.unit_id = u.id OFFSET 0) x ON true"
                + " LEFT JOIN experiment_unit_metric o ON o.project_id = x.project_id"
                + " AND o.environment = x.environment AND o.experiment_key = x.experiment_key"
                + " AND o.metric_key = " + keyParam + " AND o.unit_id = x.unit_id"
                + " CROSS JOIN LATERAL (SELECT (" + value + ")::float8 AS value, (" + denominator
                + ")::float8 AS denominator, (" + pre + ")::float8 AS pre"
                + " FROM event e" + (person ? EventSql.LINK_JOIN + EventSql.TRAITS_JOIN : "")
                + " WHERE e.project_id = x.project_id AND e.environment = x.environment"
                + " AND e.distinct_id = x.unit_id AND e.ts >= " + lower + upper + ") v";
        return connection.preparedQuery(text).execute(Tuple.from(sql.params())).map(rows -> rows);
    }

    private static String count(String predicate) {
        return "count(*) FILTER (WHERE " + predicate + ")";
    }

    private static String sum(EventSql sql, String property, String predicate) {
        return "COALESCE(sum(" + sql.number(property) + ") FILTER (WHERE " + predicate + "), 0)";
    }

    private static Uni<Void> saveUnits(SqlConnection connection, List<Tuple> changed) {
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("""
                INSERT INTO experiment_unit_metric (project_id, environment, experiment_key, metric_key, unit_id,
                                                    variation_index, value, denominator, pre)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (project_id, environment, experiment_key, metric_key, unit_id) DO UPDATE SET
                    variation_index = excluded.variation_index, value = excluded.value,
                    denominator = excluded.denominator, pre = excluded.pre""")
                .executeBatch(changed).replaceWithVoid();
    }

    /** The sums move by difference, in key order (shared rows: a fixed order cannot deadlock). */
    private static Uni<Void> saveSums(SqlConnection connection, String project, String environment,
            Map<ArmKey, double[]> deltas) {
        if (deltas.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        deltas.forEach((arm, d) -> rows.add(Tuple.from(new Object[]{project, environment, arm.experiment(),
                arm.metric(), arm.variation(), (long) d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8]})));
        return connection.preparedQuery("""
                INSERT INTO experiment_metric_stats AS s (project_id, environment, experiment_key, metric_key,
                    variation_index, units, sum_x, sum_xx, sum_y, sum_yy, sum_xy, sum_p, sum_pp, sum_xp)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                ON CONFLICT (project_id, environment, experiment_key, metric_key, variation_index) DO UPDATE SET
                    units = s.units + excluded.units, sum_x = s.sum_x + excluded.sum_x,
                    sum_xx = s.sum_xx + excluded.sum_xx, sum_y = s.sum_y + excluded.sum_y,
                    sum_yy = s.sum_yy + excluded.sum_yy, sum_xy = s.sum_xy + excluded.sum_xy,
                    sum_p = s.sum_p + excluded.sum_p, sum_pp = s.sum_pp + excluded.sum_pp,
                    sum_xp = s.sum_xp + excluded.sum_xp""")
                .executeBatch(rows).replaceWithVoid();
    }
}
