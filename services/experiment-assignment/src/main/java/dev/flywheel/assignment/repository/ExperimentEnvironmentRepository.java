package dev.flywheel.assignment.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ExperimentEnvironmentRepository implements PanacheRepository<ExperimentEnvironmentEntity> {

    public Uni<ExperimentEnvironmentEntity> findByName(String projectId, String environment) {
        return find("projectId = ?1 and environment = ?2", projectId, environment).firstResult();
    }

    /** The environment's row, created if missing and locked until the transaction ends: changes are serialised. */
    public Uni<ExperimentEnvironmentEntity> lockOrCreate(String projectId, String environment) {
        return Panache.getSession()
                .flatMap(session -> session
                        .createNativeQuery(
                                """
                                        INSERT INTO experiment_assignment.experiment_environment (project_id, environment, version, updated_at)
                                        VALUES (?1, ?2, 0, now()) ON CONFLICT (project_id, environment) DO NOTHING""")
                        .setParameter(1, projectId).setParameter(2, environment).executeUpdate())
                .flatMap(ignored -> find("projectId = ?1 and environment = ?2", projectId, environment)
                        .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult());
    }

    /** Tells every replica (this one too) about the change, when the transaction commits. */
    public Uni<Void> notifyChanged(String projectId, String environment) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("SELECT CAST(pg_notify(?1, ?2) AS text)")
                        .setParameter(1, ExperimentChangeChannel.CHANNEL)
                        .setParameter(2, ExperimentChangeChannel.payload(projectId, environment))
                        .getSingleResult())
                .replaceWithVoid();
    }
}
