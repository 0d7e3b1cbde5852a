package dev.flywheel.gateway.tenancy.repository;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
@WithSession
public class EnvironmentRepository implements PanacheRepositoryBase<EnvironmentEntity, UUID> {

    public Uni<List<EnvironmentEntity>> listByProject(UUID projectId) {
        return list("projectId = ?1 order by createdAt, name", projectId);
    }

    public Uni<List<EnvironmentEntity>> listByProjects(Collection<UUID> projectIds) {
        return projectIds.isEmpty()
                ? Uni.createFrom().item(List.of())
                : list("projectId in ?1 order by createdAt, name", projectIds);
    }

    public Uni<EnvironmentEntity> findByName(UUID projectId, String name) {
        return find("projectId = ?1 and name = ?2", projectId, name).firstResult();
    }
}
