package dev.flywheel.feedback.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class SurveyAuditRepository implements PanacheRepository<SurveyAuditEntity> {

    /** Newest first; {@code beforeId} 0 starts at the newest, {@code key} null covers every survey. */
    public Uni<List<SurveyAuditEntity>> page(String projectId, String environment, String key, long beforeId,
            int size) {
        long before = beforeId > 0 ? beforeId : Long.MAX_VALUE;
        if (key == null) {
            return find("projectId = ?1 and environment = ?2 and id < ?3 order by id desc", projectId, environment,
                    before).page(Page.ofSize(size)).list();
        }
        return find("projectId = ?1 and environment = ?2 and key = ?3 and id < ?4 order by id desc", projectId,
                environment, key, before).page(Page.ofSize(size)).list();
    }
}
