package dev.flywheel.feedback.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class SurveyRepository implements PanacheRepository<SurveyEntity> {

    public Uni<List<SurveyEntity>> listByEnvironment(String projectId, String environment) {
        return list("projectId = ?1 and environment = ?2 order by key", projectId, environment);
    }

    public Uni<SurveyEntity> findByKey(String projectId, String environment, String key) {
        return find("projectId = ?1 and environment = ?2 and key = ?3", projectId, environment, key).firstResult();
    }

    public Uni<Long> countByEnvironment(String projectId, String environment) {
        return count("projectId = ?1 and environment = ?2", projectId, environment);
    }
}
