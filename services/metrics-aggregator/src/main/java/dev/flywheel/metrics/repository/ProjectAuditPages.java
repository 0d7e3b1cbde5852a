package dev.flywheel.metrics.repository;

import java.util.List;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

/** A page of a project-wide audit log (metrics, boards): newest first, one entry key or all. */
final class ProjectAuditPages {

    private ProjectAuditPages() {
    }

    /** {@code beforeId} 0 starts at the newest; {@code key} null covers every entry. */
    static <E> Uni<List<E>> page(PanacheRepository<E> log, String projectId, String key, long beforeId, int size) {
        long before = beforeId > 0 ? beforeId : Long.MAX_VALUE;
        if (key == null) {
            return log.find("projectId = ?1 and id < ?2 order by id desc", projectId, before).page(Page.ofSize(size))
                    .list();
        }
        return log.find("projectId = ?1 and key = ?2 and id < ?3 order by id desc", projectId, key, before)
                .page(Page.ofSize(size)).list();
    }
}
