package dev.flywheel.assignment.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ExperimentRepository implements PanacheRepository<ExperimentEntity> {

    public Uni<List<ExperimentEntity>> listByEnvironment(long environmentId, String status) {
        return status == null
                ? list("environmentId = ?1 order by key", environmentId)
                : list("environmentId = ?1 and status = ?2 order by key", environmentId, status);
    }

    public Uni<ExperimentEntity> findByKey(long environmentId, String key) {
        return find("environmentId = ?1 and key = ?2", environmentId, key).firstResult();
    }
}
