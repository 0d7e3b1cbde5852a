package dev.flywheel.assignment.repository;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ExperimentAuditRepository implements PanacheRepository<ExperimentAuditEntity> {

    /** Newest first, older than {@code beforeId} when positive; project-wide entries are in every environment's. */
    public Uni<List<ExperimentAuditEntity>> page(String projectId, String environment, String key, long beforeId,
            int size) {
        StringBuilder query = new StringBuilder("projectId = ?1");
        List<Object> params = new ArrayList<>(List.of(projectId));
        if (environment != null) {
            params.add(environment);
            query.append(" and (environment = ?").append(params.size()).append(" or environment is null)");
        }
        if (key != null) {
            params.add(key);
            query.append(" and key = ?").append(params.size());
        }
        if (beforeId > 0) {
            params.add(beforeId);
            query.append(" and id < ?").append(params.size());
        }
        query.append(" order by id desc");
        return find(query.toString(), params.toArray()).page(0, size).list();
    }
}
