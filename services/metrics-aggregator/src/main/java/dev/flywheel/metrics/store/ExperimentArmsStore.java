package dev.flywheel.metrics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.model.Scope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** An experiment's arms as its exposures stored them: units per variation, the split asked for, first exposures. */
@ApplicationScoped
public class ExperimentArmsStore {

    private static final String ARMS = """
            SELECT variation_index, variation_key, units FROM experiment_variation
            WHERE project_id = $1 AND environment = $2 AND experiment_key = $3 ORDER BY variation_index""";
    private static final String SPLIT = """
            SELECT weights, as_of FROM experiment_split
            WHERE project_id = $1 AND environment = $2 AND experiment_key = $3""";
    private static final String UNITS = "SELECT unit_id, variation_index, variation_key, exposed_at"
            + " FROM experiment_exposure WHERE project_id = $1 AND environment = $2 AND experiment_key = $3"
            + " AND unit_id = ANY($4::text[])";

    private static final String PERSON_VARIATIONS = """
            SELECT DISTINCT ON (COALESCE(l.person_id, x.unit_id)) COALESCE(l.person_id, x.unit_id), x.variation_key
            FROM experiment_exposure x LEFT JOIN identity_link l ON l.project_id = x.project_id
              AND l.environment = x.environment AND l.distinct_id = x.unit_id
            WHERE x.project_id = $1 AND x.environment = $2 AND x.experiment_key = $3
            ORDER BY COALESCE(l.person_id, x.unit_id), x.exposed_at""";

    /** A variation's exposed units. */
    public record Arm(int index, String key, long units) {
    }

    /** The split the latest exposure carried (weights by variation index), null when none was recorded. */
    public record Split(List<Double> weights, Instant asOf) {
    }

    /** A unit's first exposure in an experiment. */
    public record UnitExposure(String unitId, int index, String key, Instant exposedAt) {
    }

    private final Pool pool;

    public ExperimentArmsStore(Pool pool) {
        this.pool = pool;
    }

    /** The experiment's arms by variation index; empty when it has no exposures in the scope. */
    public Uni<List<Arm>> arms(Scope scope, String experimentKey) {
        return pool.preparedQuery(ARMS).execute(key(scope, experimentKey)).map(rows -> {
            List<Arm> out = new ArrayList<>();
            rows.forEach(row -> out.add(new Arm(row.getInteger("variation_index"), row.getString("variation_key"),
                    row.getLong("units"))));
            return out;
        });
    }

    public Uni<Split> split(Scope scope, String experimentKey) {
        return pool.preparedQuery(SPLIT).execute(key(scope, experimentKey)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new Split(List.of(row.getArrayOfDoubles("weights")), row.getOffsetDateTime("as_of").toInstant());
        });
    }

    /** The first exposures of the given units (those never exposed are left out). */
    public Uni<List<UnitExposure>> unitExposures(Scope scope, String experimentKey, List<String> units) {
        return pool.preparedQuery(UNITS).execute(Tuple.of(scope.projectId(), scope.environment(), experimentKey,
                units.toArray(String[]::new))).map(rows -> {
                    List<UnitExposure> out = new ArrayList<>();
                    rows.forEach(row -> out.add(new UnitExposure(row.getString(0), row.getInteger(1),
                            row.getString(2), row.getOffsetDateTime(3).toInstant())));
                    return out;
                });
    }

    /** Per person (identities merged), the key of the variation they were first exposed to. */
    public Uni<Map<String, String>> variationsByPerson(Scope scope, String experimentKey) {
        return pool.preparedQuery(PERSON_VARIATIONS).execute(key(scope, experimentKey)).map(rows -> {
            Map<String, String> out = new HashMap<>(rows.size() * 2);
            rows.forEach(row -> out.put(row.getString(0), row.getString(1)));
            return out;
        });
    }

    private static Tuple key(Scope scope, String experimentKey) {
        return Tuple.of(scope.projectId(), scope.environment(), experimentKey);
    }
}
