package dev.flywheel.metrics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.model.Scope;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Who people are, from what stays in PostgreSQL whichever store holds the events: identity links, traits and
 * experiment exposures; found by id or trait.
 */
@ApplicationScoped
public class PeopleStore {

    /** A distinct id found, its person, and its traits as a JSON object. */
    public record Found(String distinctId, String personId, String traitsJson) {
    }

    /** A person and every id of theirs (sorted). */
    public record Identity(String personId, List<String> distinctIds) {
    }

    /** The variation a person was first exposed to in an experiment. */
    public record Exposure(String experimentKey, String variationKey, Instant at) {
    }

    private static final String SEARCH = """
            SELECT d, p, t FROM (
              SELECT t.distinct_id AS d, COALESCE(l.person_id, t.distinct_id) AS p, t.traits::text AS t,
                     t.updated_at AS u
              FROM person_traits t LEFT JOIN identity_link l ON l.project_id = t.project_id
                AND l.environment = t.environment AND l.distinct_id = t.distinct_id
              WHERE t.project_id = $1 AND t.environment = $2 AND %s
              UNION ALL
              SELECT l.distinct_id, l.person_id, '{}', l.linked_at FROM identity_link l
              WHERE l.project_id = $1 AND l.environment = $2 AND %s AND NOT EXISTS (SELECT 1 FROM person_traits t
                WHERE t.project_id = $1 AND t.environment = $2 AND t.distinct_id = l.distinct_id)
            ) found ORDER BY u DESC, d LIMIT $4""";

    private static final String IDENTITY = """
            WITH p AS (SELECT COALESCE((SELECT person_id FROM identity_link WHERE project_id = $1
                                          AND environment = $2 AND distinct_id = $3), $3) AS person)
            SELECT p.person, l.distinct_id FROM p LEFT JOIN identity_link l ON l.project_id = $1
              AND l.environment = $2 AND l.person_id = p.person""";

    private final Pool pool;

    public PeopleStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Ids whose id or trait values contain {@code text} (case-insensitive), or, with {@code trait} set, whose trait
     * (a path) is exactly {@code text}: the most recently identified first.
     */
    public Uni<List<Found>> search(Scope scope, String trait, String text, int limit) {
        String sql;
        Tuple params;
        if (trait == null) {
            String like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            sql = SEARCH.formatted("(t.distinct_id ILIKE $3 OR t.traits::text ILIKE $3)", "l.distinct_id ILIKE $3");
            params = Tuple.of(scope.projectId(), scope.environment(), like, limit);
        } else {
            sql = SEARCH.formatted("t.traits #>> $3 = $5", "false");
            params = Tuple.from(new Object[]{scope.projectId(), scope.environment(), trait.split("\\."), limit,
                    text});
        }
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<Found> found = new ArrayList<>(rows.size());
            for (Row row : rows) {
                found.add(new Found(row.getString(0), row.getString(1), row.getString(2)));
            }
            return found;
        });
    }

    /** The person a distinct id belongs to (itself when unlinked), and all their ids: one round trip. */
    public Uni<Identity> identity(Scope scope, String distinctId) {
        return pool.preparedQuery(IDENTITY).execute(Tuple.of(scope.projectId(), scope.environment(), distinctId))
                .map(rows -> {
                    String person = rows.iterator().next().getString(0);
                    TreeSet<String> ids = new TreeSet<>(List.of(person, distinctId));
                    rows.forEach(row -> {
                        if (row.getString(1) != null) {
                            ids.add(row.getString(1));
                        }
                    });
                    return new Identity(person, List.copyOf(ids));
                });
    }

    /** The ids' traits merged key by key, the latest identify winning a key, as a JSON object. */
    public Uni<String> traits(Scope scope, List<String> distinctIds) {
        return pool.preparedQuery("SELECT traits::text FROM person_traits WHERE project_id = $1 AND environment = $2"
                + " AND distinct_id = ANY($3) ORDER BY updated_at").execute(Tuple.of(scope.projectId(),
                        scope.environment(), distinctIds.toArray(String[]::new)))
                .map(rows -> {
                    JsonObject merged = new JsonObject();
                    rows.forEach(row -> merged.mergeIn(new JsonObject(row.getString(0))));
                    return merged.encode();
                });
    }

    /** Per experiment the ids were exposed to, the first variation, by experiment key. */
    public Uni<List<Exposure>> exposures(Scope scope, List<String> distinctIds) {
        return pool.preparedQuery("SELECT DISTINCT ON (experiment_key) experiment_key, variation_key, exposed_at"
                + " FROM experiment_exposure WHERE project_id = $1 AND environment = $2 AND unit_id = ANY($3)"
                + " ORDER BY experiment_key, exposed_at").execute(Tuple.of(scope.projectId(), scope.environment(),
                        distinctIds.toArray(String[]::new)))
                .map(rows -> {
                    List<Exposure> exposures = new ArrayList<>(rows.size());
                    rows.forEach(row -> exposures.add(new Exposure(row.getString(0), row.getString(1),
                            row.getOffsetDateTime(2).toInstant())));
                    return exposures;
                });
    }
}
