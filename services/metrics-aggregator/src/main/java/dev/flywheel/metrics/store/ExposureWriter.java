package dev.flywheel.metrics.store;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps each unit's first exposure per experiment and the units per variation (ADR 0006). A unit's exposures all
 * arrive on one partition (keyed by its id), so one consumer owns its row; the shared per-variation counters are
 * updated in key order, like the rollups.
 */
final class ExposureWriter {

    private record Unit(String project, String environment, String experiment, String unit) {
        static final Comparator<Unit> ORDER = Comparator.comparing(Unit::project).thenComparing(Unit::environment)
                .thenComparing(Unit::experiment).thenComparing(Unit::unit);
    }

    private record Arm(String project, String environment, String experiment, int index) {
        static final Comparator<Arm> ORDER = Comparator.comparing(Arm::project).thenComparing(Arm::environment)
                .thenComparing(Arm::experiment).thenComparingInt(Arm::index);
    }

    private record Seen(int variation, OffsetDateTime at, String messageId) {
        boolean after(OffsetDateTime otherAt, String otherMessage) {
            int byTime = at.compareTo(otherAt);
            return byTime > 0 || byTime == 0 && messageId.compareTo(otherMessage) > 0;
        }
    }

    private ExposureWriter() {
    }

    static Uni<Void> write(SqlConnection connection, List<StoredEvent> events) {
        Map<Unit, StoredEvent> earliest = new TreeMap<>(Unit.ORDER);
        for (StoredEvent event : events) {
            StoredEvent.Exposure exposure = event.exposure();
            if (exposure != null) {
                earliest.merge(new Unit(event.projectId(), event.environment(), exposure.experimentKey(),
                        exposure.unitId()), event, (a, b) -> a.precedes(b) ? a : b);
            }
        }
        if (earliest.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Unit> units = new ArrayList<>(earliest.keySet());
        return existing(connection, units).chain(known -> {
            List<Tuple> rows = new ArrayList<>();
            Map<Arm, long[]> deltas = new TreeMap<>(Arm.ORDER);
            Map<Arm, String> keys = new HashMap<>();
            Map<Arm, OffsetDateTime[]> spans = new HashMap<>();
            earliest.forEach((unit, event) -> {
                StoredEvent.Exposure exposure = event.exposure();
                Seen before = known.get(unit);
                if (before != null && !before.after(event.atUtc(), event.messageId())) {
                    return;
                }
                Arm arm = new Arm(unit.project(), unit.environment(), unit.experiment(), exposure.variationIndex());
                keys.put(arm, exposure.variationKey());
                spans.merge(arm, new OffsetDateTime[]{event.atUtc(), event.atUtc()}, (a, b) -> new OffsetDateTime[]{
                        a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
                deltas.computeIfAbsent(arm, a -> new long[1]);
                if (before == null || before.variation() != exposure.variationIndex()) {
                    deltas.computeIfAbsent(arm, a -> new long[1])[0]++;
                    if (before != null) {
                        deltas.computeIfAbsent(new Arm(unit.project(), unit.environment(), unit.experiment(),
                                before.variation()), a -> new long[1])[0]--;
                    }
                }
                rows.add(Tuple.from(new Object[]{unit.project(), unit.environment(), unit.experiment(), unit.unit(),
                        exposure.variationIndex(), exposure.variationKey(), event.atUtc(), event.messageId()}));
            });
            return upsertExposures(connection, rows).chain(() -> counters(connection, deltas, keys, spans))
                    .chain(() -> splits(connection, events));
        });
    }

    /** The latest split per experiment (by exposure time, then message id). */
    private static Uni<Void> splits(SqlConnection connection, List<StoredEvent> events) {
        Map<List<String>, StoredEvent> latest = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
        for (StoredEvent event : events) {
            if (event.exposure() != null && event.exposure().weights() != null) {
                latest.merge(List.of(event.projectId(), event.environment(), event.exposure().experimentKey()),
                        event, (a, b) -> a.precedes(b) ? b : a);
            }
        }
        if (latest.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        latest.forEach((key, event) -> {
            double[] weights = event.exposure().weights();
            Double[] boxed = new Double[weights.length];
            for (int i = 0; i < weights.length; i++) {
                boxed[i] = weights[i];
            }
            rows.add(Tuple.of(key.get(0), key.get(1), key.get(2), boxed, event.atUtc(), event.messageId()));
        });
        return connection.preparedQuery("""
                INSERT INTO experiment_split (project_id, environment, experiment_key, weights, as_of, message_id)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (project_id, environment, experiment_key) DO UPDATE SET
                    weights = excluded.weights, as_of = excluded.as_of, message_id = excluded.message_id
                WHERE (excluded.as_of, excluded.message_id) > (experiment_split.as_of, experiment_split.message_id)""")
                .executeBatch(rows).replaceWithVoid();
    }

    private static Uni<Map<Unit, Seen>> existing(SqlConnection connection, List<Unit> units) {
        int n = units.size();
        String[][] columns = new String[4][n];
        for (int i = 0; i < n; i++) {
            Unit unit = units.get(i);
            columns[0][i] = unit.project();
            columns[1][i] = unit.environment();
            columns[2][i] = unit.experiment();
            columns[3][i] = unit.unit();
        }
        return connection.preparedQuery("""
                SELECT x.project_id, x.environment, x.experiment_key, x.unit_id, x.variation_index, x.exposed_at,
                       x.message_id
                FROM experiment_exposure x
                JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(p, e, k, id)
                  ON x.project_id = u.p AND x.environment = u.e AND x.experiment_key = u.k AND x.unit_id = u.id
                FOR UPDATE OF x""")
                .execute(Tuple.of(columns[0], columns[1], columns[2], columns[3]))
                .map(rows -> {
                    Map<Unit, Seen> known = new TreeMap<>(Unit.ORDER);
                    for (Row row : rows) {
                        known.put(new Unit(row.getString(0), row.getString(1), row.getString(2), row.getString(3)),
                                new Seen(row.getInteger(4), row.getOffsetDateTime(5).withOffsetSameInstant(
                                        ZoneOffset.UTC), row.getString(6)));
                    }
                    return known;
                });
    }

    private static Uni<Void> upsertExposures(SqlConnection connection, List<Tuple> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("""
                INSERT INTO experiment_exposure (project_id, environment, experiment_key, unit_id, variation_index,
                                                 variation_key, exposed_at, message_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (project_id, environment, experiment_key, unit_id) DO UPDATE SET
                    variation_index = excluded.variation_index, variation_key = excluded.variation_key,
                    exposed_at = excluded.exposed_at, message_id = excluded.message_id""")
                .executeBatch(rows).replaceWithVoid();
    }

    /** Units per variation by difference, and the span of first exposures (traffic per day). */
    private static Uni<Void> counters(SqlConnection connection, Map<Arm, long[]> deltas, Map<Arm, String> keys,
            Map<Arm, OffsetDateTime[]> spans) {
        List<Tuple> rows = new ArrayList<>();
        deltas.forEach((arm, delta) -> {
            OffsetDateTime[] span = spans.get(arm);
            if (delta[0] != 0 || span != null) {
                rows.add(Tuple.from(new Object[]{arm.project(), arm.environment(), arm.experiment(), arm.index(),
                        keys.getOrDefault(arm, ""), delta[0], span == null ? null : span[0],
                        span == null ? null : span[1]}));
            }
        });
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("""
                INSERT INTO experiment_variation (project_id, environment, experiment_key, variation_index,
                                                  variation_key, units, first_exposed_at, last_exposed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (project_id, environment, experiment_key, variation_index) DO UPDATE SET
                    units = experiment_variation.units + excluded.units,
                    first_exposed_at = LEAST(experiment_variation.first_exposed_at, excluded.first_exposed_at),
                    last_exposed_at = GREATEST(experiment_variation.last_exposed_at, excluded.last_exposed_at),
                    variation_key = CASE WHEN excluded.variation_key = '' THEN experiment_variation.variation_key
                                         ELSE excluded.variation_key END""")
                .executeBatch(rows).replaceWithVoid();
    }
}
