package dev.flywheel.metrics.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ExperimentMetricRepository implements PanacheRepository<ExperimentMetricEntity> {

    public Uni<List<ExperimentMetricEntity>> listByProject(String projectId) {
        return list("projectId = ?1 order by key", projectId);
    }

    public Uni<ExperimentMetricEntity> findByKey(String projectId, String key) {
        return find("projectId = ?1 and key = ?2", projectId, key).firstResult();
    }

    public Uni<Long> countByProject(String projectId) {
        return count("projectId = ?1", projectId);
    }

    /**
     * Waits for the project's batches in flight (they hold its analytics lock shared): they compute with the
     * definitions from before this change, batches after it with the new ones.
     */
    public Uni<Void> lockAnalytics(String projectId) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("SELECT CAST(pg_advisory_xact_lock(hashtext('flywheel.analytics:' || ?1)) AS text)")
                .setParameter(1, projectId).getSingleResult()).replaceWithVoid();
    }

    /** Whether the project has exposures: without them a new definition has nothing to backfill. */
    public Uni<Boolean> exposed(String projectId) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("SELECT EXISTS (SELECT 1 FROM experiment_exposure WHERE project_id = ?1)",
                        Boolean.class)
                .setParameter(1, projectId).getSingleResult());
    }

    /** Drops a metric's per-unit values and sums (a changed or deleted definition). */
    public Uni<Void> forgetValues(String projectId, String key) {
        return Panache.getSession().flatMap(session -> forget(session, "experiment_unit_metric", projectId, key)
                .chain(() -> forget(session, "experiment_metric_stats", projectId, key))
                .chain(() -> forget(session, "experiment_metric_capped", projectId, key)));
    }

    private static Uni<Void> forget(org.hibernate.reactive.mutiny.Mutiny.Session session, String table,
            String projectId, String key) {
        return session.createNativeQuery("DELETE FROM " + table + " WHERE project_id = ?1 AND metric_key = ?2")
                .setParameter(1, projectId).setParameter(2, key).executeUpdate().replaceWithVoid();
    }
}
