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
public class ProjectRepository implements PanacheRepositoryBase<ProjectEntity, UUID> {

    public Uni<List<ProjectEntity>> listAll(UUID organisationId) {
        return organisationId == null
                ? list("order by name")
                : list("organisationId = ?1 order by name", organisationId);
    }

    public Uni<List<ProjectEntity>> listByIds(Collection<UUID> ids) {
        return ids.isEmpty() ? Uni.createFrom().item(List.of()) : list("id in ?1 order by name", ids);
    }

    public Uni<ProjectEntity> findByName(UUID organisationId, String name) {
        return find("organisationId = ?1 and name = ?2", organisationId, name).firstResult();
    }
}
