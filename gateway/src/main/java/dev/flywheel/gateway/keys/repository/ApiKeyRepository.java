package dev.flywheel.gateway.keys.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.service.auth.KeyRevocations;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
@WithSession
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKeyEntity, UUID> {

    public Uni<ApiKeyEntity> findUnrevokedByHash(String tokenHash) {
        return find("tokenHash = ?1 and revokedAt is null", tokenHash).firstResult();
    }

    public Uni<List<ApiKeyEntity>> listByProject(UUID projectId) {
        return list("projectId = ?1 order by createdAt", projectId);
    }

    public Uni<ApiKeyEntity> findInProject(UUID projectId, UUID keyId) {
        return find("projectId = ?1 and id = ?2", projectId, keyId).firstResult();
    }

    public Uni<List<String>> hashesOfProject(UUID projectId) {
        return find("projectId = ?1 and revokedAt is null", projectId).project(HashOnly.class).list()
                .map(rows -> rows.stream().map(HashOnly::tokenHash).toList());
    }

    /**
     * Tells every service replica, when the current transaction commits, that this key is revoked: they drop it from
     * their caches at once (ADR 0008).
     */
    public Uni<Void> notifyRevoked(UUID keyId) {
        return notify(KeyRevocations.payload(keyId.toString()));
    }

    /** Sends a {@link KeyRevocations} notification, delivered when the current transaction (if any) commits. */
    public Uni<Void> notify(String payload) {
        return getSession().flatMap(session -> session
                .createNativeQuery("select cast(pg_notify(?1, ?2) as text)", String.class)
                .setParameter(1, KeyRevocations.CHANNEL)
                .setParameter(2, payload)
                .getSingleResult())
                .replaceWithVoid();
    }

    /** Projection for cache invalidation. */
    public record HashOnly(String tokenHash) {
    }
}
