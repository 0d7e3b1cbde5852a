package dev.flywheel.metrics.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class BoardRepository implements PanacheRepository<BoardEntity> {

    public Uni<List<BoardEntity>> list(String projectId, String collection) {
        return list("projectId = ?1 and collection = ?2 order by key", projectId, collection);
    }

    public Uni<BoardEntity> find(String projectId, String collection, String key) {
        return find("projectId = ?1 and collection = ?2 and key = ?3", projectId, collection, key).firstResult();
    }

    public Uni<Long> count(String projectId, String collection) {
        return count("projectId = ?1 and collection = ?2", projectId, collection);
    }

    /** Which of the keys exist in the collection. */
    public Uni<List<String>> existing(String projectId, String collection, List<String> keys) {
        return find("select key from BoardEntity where projectId = ?1 and collection = ?2 and key in ?3", projectId,
                collection, keys).project(String.class).page(Page.ofSize(Math.max(1, keys.size()))).list();
    }
}
