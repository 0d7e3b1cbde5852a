package dev.flywheel.gateway.tenancy.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
@WithSession
public class OrganisationRepository implements PanacheRepositoryBase<OrganisationEntity, UUID> {

    public Uni<List<OrganisationEntity>> listByName() {
        return list("order by name");
    }

    public Uni<OrganisationEntity> findByName(String name) {
        return find("name", name).firstResult();
    }
}
