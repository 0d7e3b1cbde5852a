package dev.flywheel.featureflags.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class FlagAuditRepository implements PanacheRepository<FlagAuditEntity> {

    /** Newest first; {@code beforeId} 0 starts at the newest, {@code key} null covers every flag. */
    public Uni<List<FlagAuditEntity>> page(long environmentId, String key, long beforeId, int size) {
        long before = beforeId > 0 ? beforeId : Long.MAX_VALUE;
        if (key == null) {
            return find("environmentId = ?1 and id < ?2 order by id desc", environmentId, before)
                    .page(Page.ofSize(size)).list();
        }
        return find("environmentId = ?1 and key = ?2 and id < ?3 order by id desc", environmentId, key, before)
                .page(Page.ofSize(size)).list();
    }
}
