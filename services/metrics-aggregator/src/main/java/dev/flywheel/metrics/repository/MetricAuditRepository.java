package dev.flywheel.metrics.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class MetricAuditRepository implements PanacheRepository<MetricAuditEntity> {

    /** Newest first; {@code beforeId} 0 starts at the newest, {@code key} null covers every metric. */
    public Uni<List<MetricAuditEntity>> page(String projectId, String key, long beforeId, int size) {
        return ProjectAuditPages.page(this, projectId, key, beforeId, size);
    }
}
