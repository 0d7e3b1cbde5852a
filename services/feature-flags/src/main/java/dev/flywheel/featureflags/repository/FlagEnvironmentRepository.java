package dev.flywheel.featureflags.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class FlagEnvironmentRepository implements PanacheRepository<FlagEnvironmentEntity> {

    /** The environment's row if it has one. */
    public Uni<FlagEnvironmentEntity> findByName(String projectId, String environment) {
        return find("projectId = ?1 and environment = ?2", projectId, environment).firstResult();
    }

    /**
     * The environment's row, created if missing, locked until the transaction ends: changes to one environment are
     * serialised, so versions increase without gaps or races.
     */
    public Uni<FlagEnvironmentEntity> lockOrCreate(String projectId, String environment) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                        """
                                INSERT INTO feature_flags.flag_environment (project_id, environment, version, evaluators, metadata, updated_at)
                                VALUES (?1, ?2, 0, '{}', '{}', now()) ON CONFLICT (project_id, environment) DO NOTHING""")
                        .setParameter(1, projectId).setParameter(2, environment).executeUpdate())
                .flatMap(ignored -> find("projectId = ?1 and environment = ?2", projectId, environment)
                        .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult());
    }

    /**
     * Tells every replica (including this one) that the environment changed; delivered when the transaction commits.
     */
    public Uni<Void> notifyChanged(FlagEnvironmentEntity environment) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("SELECT CAST(pg_notify(?1, ?2) AS text)")
                        .setParameter(1, FlagChangeChannel.CHANNEL)
                        .setParameter(2, FlagChangeChannel.payload(environment.projectId, environment.environment))
                        .getSingleResult())
                .replaceWithVoid();
    }
}
