package dev.flywheel.metrics.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class BoardAuditRepository implements PanacheRepository<BoardAuditEntity> {

    /** Newest first; {@code beforeId} 0 starts at the newest, {@code key} null covers everything. */
    public Uni<List<BoardAuditEntity>> page(String projectId, String key, long beforeId, int size) {
        return ProjectAuditPages.page(this, projectId, key, beforeId, size);
    }
}
