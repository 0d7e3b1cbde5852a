package dev.flywheel.assignment.repository;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * An environment's experiments and its project's settings as assignment snapshots load them, in one statement (read
 * consistently).
 */
@ApplicationScoped
public class ExperimentSetStore {

    private static final String LOAD = """
            SELECT e.version, s.holdout_share, s.version AS settings_version,
                   x.experiment_key, x.definition, x.status, x.released_variation
            FROM (SELECT $1::text AS project_id, $2::text AS environment) q
            LEFT JOIN experiment_assignment.experiment_environment e
                   ON e.project_id = q.project_id AND e.environment = q.environment
            LEFT JOIN experiment_assignment.project_settings s ON s.project_id = q.project_id
            LEFT JOIN experiment_assignment.experiment x ON x.environment_id = e.id
            ORDER BY x.experiment_key""";

    private static final String VERSIONS = """
            SELECT (SELECT version FROM experiment_assignment.experiment_environment
                    WHERE project_id = $1 AND environment = $2),
                   (SELECT version FROM experiment_assignment.project_settings WHERE project_id = $1)""";

    /** One stored experiment: its definition (JSON), status name and released variation (null if none). */
    public record StoredExperiment(String key, String definition, String status, String releasedVariation) {
    }

    /** The environment's experiments at its version, and the project's holdout at the settings' version. */
    public record StoredExperimentSet(long version, long settingsVersion, double holdoutShare,
            List<StoredExperiment> experiments) {
    }

    private final Pool pool;

    public ExperimentSetStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<StoredExperimentSet> load(EnvironmentKey key) {
        return pool.preparedQuery(LOAD).execute(Tuple.of(key.projectId(), key.environment())).map(rows -> {
            long version = 0;
            long settingsVersion = 0;
            double holdout = 0;
            List<StoredExperiment> experiments = new ArrayList<>();
            for (Row row : rows) {
                version = row.getLong("version") == null ? 0 : row.getLong("version");
                settingsVersion = row.getLong("settings_version") == null ? 0 : row.getLong("settings_version");
                holdout = row.getDouble("holdout_share") == null ? 0 : row.getDouble("holdout_share");
                String experiment = row.getString("experiment_key");
                if (experiment != null) {
                    experiments.add(new StoredExperiment(experiment, row.getString("definition"),
                            row.getString("status"), row.getString("released_variation")));
                }
            }
            return new StoredExperimentSet(version, settingsVersion, holdout, experiments);
        });
    }

    /** The environment's and the project settings' versions now (0 for either that has none). */
    public Uni<SnapshotRegistry.Version> version(EnvironmentKey key) {
        return pool.preparedQuery(VERSIONS).execute(Tuple.of(key.projectId(), key.environment())).map(rows -> {
            Iterator<Row> it = rows.iterator();
            Row row = it.hasNext() ? it.next() : null;
            long version = row == null || row.getLong(0) == null ? 0 : row.getLong(0);
            long settings = row == null || row.getLong(1) == null ? 0 : row.getLong(1);
            return new SnapshotRegistry.Version(version, settings);
        });
    }
}
