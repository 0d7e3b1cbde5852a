package dev.flywheel.assignment.service;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.flywheel.assignment.config.AssignmentConfig;
import dev.flywheel.assignment.repository.ExperimentEnvironmentEntity;
import dev.flywheel.assignment.repository.ExperimentSetStore;
import dev.flywheel.experiments.Experiment;
import dev.flywheel.experiments.ExperimentSet;
import dev.flywheel.experiments.ExperimentStatus;
import dev.flywheel.experiments.Holdout;
import dev.flywheel.service.auth.KeyRevocations;
import dev.flywheel.service.catalogue.CatalogueSnapshots;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import dev.flywheel.service.catalogue.SnapshotStreams;
import dev.flywheel.service.config.DataSourceAddress;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.Vertx;

/**
 * The in-memory assignment snapshot of each environment callers asked for: its experiments compiled once and the
 * project's holdout, replaced whole when anything changes (a PostgreSQL notification reaches every replica), so an
 * assignment never touches the database and never sees half a change.
 */
@Singleton
public class ExperimentSnapshots extends CatalogueSnapshots<ExperimentSnapshots.Snapshot> {

    private static final Logger LOG = Logger.getLogger(ExperimentSnapshots.class);

    /**
     * An environment's experiments at one version. {@code active} are those AssignAll answers for: running, or
     * stopped with a released winner.
     */
    public record Snapshot(String projectId, String environment, long version, long settingsVersion,
            Map<String, Experiment> experiments, List<Experiment> active, Holdout holdout) {
    }

    private final SnapshotStreams<Snapshot> streams;

    @Inject
    public ExperimentSnapshots(ExperimentSetStore store, Vertx vertx, DataSourceAddress database,
            AssignmentConfig config, KeyRevocations revocations) {
        this(store, vertx, database, config, new SnapshotStreams<>(revocations, ExperimentSnapshots::versionOf));
    }

    private ExperimentSnapshots(ExperimentSetStore store, Vertx vertx, DataSourceAddress database,
            AssignmentConfig config, SnapshotStreams<Snapshot> streams) {
        super(new SnapshotRegistry<>("experiments", SnapshotRegistry.Source.of(
                key -> store.load(key).map(stored -> compile(key.projectId(), key.environment(), stored)),
                store::version,
                ExperimentSnapshots::versionOf),
                (previous, current) -> streams.publish(new EnvironmentKey(current.projectId(), current.environment()),
                        current)),
                ExperimentEnvironmentEntity.CATALOGUE, vertx, database, config.resyncInterval());
        this.streams = streams;
    }

    /**
     * The environment's snapshot now and each newer one, for an SDK syncing with the key {@code keyId} (the stream
     * fails when it is revoked).
     */
    public Multi<Snapshot> watch(String projectId, String environment, String keyId) {
        return streams.watch(new EnvironmentKey(projectId, environment), keyId, get(projectId, environment));
    }

    void endWatches(@Observes ShutdownEvent ignored) {
        streams.completeAll();
    }

    private static SnapshotRegistry.Version versionOf(Snapshot snapshot) {
        return new SnapshotRegistry.Version(snapshot.version(), snapshot.settingsVersion());
    }

    private static Snapshot compile(String projectId, String environment,
            ExperimentSetStore.StoredExperimentSet stored) {
        ExperimentSet set = ExperimentSet.compile(projectId, stored.holdoutShare(), stored.experiments().stream()
                .map(row -> new ExperimentSet.Stored(row.key(), row.definition(),
                        ExperimentStatus.valueOf(row.status()), row.releasedVariation()))
                .toList(),
                (key, problem) -> LOG.errorf("Experiment %s/%s/%s is unreadable and left out: %s", projectId,
                        environment, key, problem));
        return new Snapshot(projectId, environment, stored.version(), stored.settingsVersion(), set.experiments(),
                set.active(), set.holdout());
    }
}
