package dev.flywheel.assignment.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.flywheel.assignment.config.AssignmentConfig;
import dev.flywheel.assignment.repository.ExperimentEnvironmentEntity;
import dev.flywheel.experiments.Experiment;
import dev.flywheel.experiments.ExperimentDefinition;
import dev.flywheel.experiments.ExperimentDefinitionException;
import dev.flywheel.experiments.ExperimentStatus;
import dev.flywheel.experiments.Holdout;
import dev.flywheel.service.catalogue.CatalogueSnapshots;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import dev.flywheel.service.config.DataSourceAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The in-memory assignment snapshot of each environment callers asked for: its experiments compiled once and the
 * project's holdout, replaced whole when anything changes (a PostgreSQL notification reaches every replica), so an
 * assignment never touches the database and never sees half a change.
 */
@Singleton
public class ExperimentSnapshots extends CatalogueSnapshots<ExperimentSnapshots.Snapshot> {

    private static final Logger LOG = Logger.getLogger(ExperimentSnapshots.class);

    // one statement, so the environment, the project's settings and the experiments are read consistently
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

    /**
     * An environment's experiments at one version. {@code active} are those AssignAll answers for: running, or
     * stopped with a released winner.
     */
    public record Snapshot(String projectId, String environment, long version, long settingsVersion,
            Map<String, Experiment> experiments, List<Experiment> active, Holdout holdout) {
    }

    public ExperimentSnapshots(Pool pool, Vertx vertx, DataSourceAddress database, AssignmentConfig config) {
        super(new SnapshotRegistry<>("experiments", SnapshotRegistry.Source.of(
                key -> pool.preparedQuery(LOAD).execute(Tuple.of(key.projectId(), key.environment()))
                        .map(rows -> compile(key.projectId(), key.environment(), rows)),
                key -> pool.preparedQuery(VERSIONS).execute(Tuple.of(key.projectId(), key.environment()))
                        .map(rows -> {
                            Iterator<Row> it = rows.iterator();
                            Row row = it.hasNext() ? it.next() : null;
                            long version = row == null || row.getLong(0) == null ? 0 : row.getLong(0);
                            long settings = row == null || row.getLong(1) == null ? 0 : row.getLong(1);
                            return new SnapshotRegistry.Version(version, settings);
                        }),
                snapshot -> new SnapshotRegistry.Version(snapshot.version(), snapshot.settingsVersion())),
                (previous, current) -> {
                }), ExperimentEnvironmentEntity.CATALOGUE, vertx, database, config.resyncInterval());
    }

    private static Snapshot compile(String projectId, String environment, RowSet<Row> rows) {
        long version = 0;
        long settingsVersion = 0;
        double holdout = 0;
        Map<String, Experiment> experiments = new LinkedHashMap<>();
        List<Experiment> active = new ArrayList<>();
        for (Row row : rows) {
            version = row.getLong("version") == null ? 0 : row.getLong("version");
            settingsVersion = row.getLong("settings_version") == null ? 0 : row.getLong("settings_version");
            holdout = row.getDouble("holdout_share") == null ? 0 : row.getDouble("holdout_share");
            String key = row.getString("experiment_key");
            if (key == null) {
                continue;
            }
            try {
                Experiment experiment = Experiment.of(
                        ExperimentDefinition.parse(key, row.getString("definition")),
                        ExperimentStatus.valueOf(row.getString("status")), row.getString("released_variation"));
                experiments.put(key, experiment);
                if (experiment.status() == ExperimentStatus.RUNNING || experiment.releasedIndex() >= 0) {
                    active.add(experiment);
                }
            } catch (ExperimentDefinitionException | IllegalArgumentException e) {
                // stored definitions were validated on the way in; one that no longer parses must not hide the rest
                LOG.errorf("Experiment %s/%s/%s is unreadable and left out: %s", projectId, environment, key,
                        e.getMessage());
            }
        }
        return new Snapshot(projectId, environment, version, settingsVersion, Collections.unmodifiableMap(experiments),
                List.copyOf(active), Holdout.of(projectId, holdout));
    }
}
