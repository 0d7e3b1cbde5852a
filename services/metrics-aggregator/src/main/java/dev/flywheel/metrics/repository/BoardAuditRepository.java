package dev.flywheel.metrics.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class BoardAuditRepository implements PanacheRepository<BoardAuditEntity> {

    /** Newest first; {@code beforeId} 0 starts at the newest, {@code key} null covers everything. */
    public Uni<List<BoardAuditEntity>> page(String projectId, String key, long beforeId, int size) {
        long before = beforeId > 0 ? beforeId : Long.MAX_VALUE;
        if (key == null) {
            return find("projectId = ?1 and id < ?2 order by id desc", projectId, before).page(Page.ofSize(size))
                    .list();
        }
        return find("projectId = ?1 and key = ?2 and id < ?3 order by id desc", projectId, key, before)
                .page(Page.ofSize(size)).list();
    }
}
