package dev.flywheel.featureflags.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class FlagRepository implements PanacheRepository<FlagEntity> {

    public Uni<List<FlagEntity>> listByEnvironment(long environmentId) {
        return list("environmentId = ?1 order by position, key", environmentId);
    }

    public Uni<FlagEntity> findByKey(long environmentId, String key) {
        return find("environmentId = ?1 and key = ?2", environmentId, key).firstResult();
    }

    public Uni<Long> nextPosition(long environmentId) {
        return find("select coalesce(max(position), 0) + 1 from FlagEntity where environmentId = ?1", environmentId)
                .project(Long.class).firstResult();
    }
}
