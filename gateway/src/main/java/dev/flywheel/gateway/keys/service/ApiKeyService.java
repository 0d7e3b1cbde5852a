package dev.flywheel.gateway.keys.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.caller.KeyKind;
import dev.flywheel.gateway.keys.repository.ApiKeyEntity;
import dev.flywheel.gateway.keys.repository.ApiKeyRepository;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.tenancy.repository.EnvironmentEntity;
import dev.flywheel.gateway.tenancy.repository.EnvironmentRepository;
import dev.flywheel.gateway.tenancy.repository.ProjectRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Issues, lists and revokes API keys. A key's secret exists only in the response that creates it. */
@ApplicationScoped
public class ApiKeyService {

    private final ApiKeyRepository keys;
    private final ProjectRepository projects;
    private final EnvironmentRepository environments;
    private final KeyResolutionCache resolutions;

    public ApiKeyService(ApiKeyRepository keys, ProjectRepository projects, EnvironmentRepository environments,
            KeyResolutionCache resolutions) {
        this.keys = keys;
        this.projects = projects;
        this.environments = environments;
        this.resolutions = resolutions;
    }

    /** A new key: the stored record and, this once, its secret. */
    public record IssuedKey(ApiKeyEntity key, String environment, String secret) {
    }

    /** A stored key with its environment's name, for listings. */
    public record KeyWithEnvironment(ApiKeyEntity key, String environment) {
    }

    @WithTransaction
    public Uni<IssuedKey> issue(UUID projectId, KeyKind kind, String environmentName, String name,
            Instant expiresAt) {
        if (kind.environmentScoped() && environmentName == null) {
            return Uni.createFrom().failure(ApiException.invalid("environment",
                    "required for " + kind.wireName() + " keys"));
        }
        if (!kind.environmentScoped() && environmentName != null) {
            return Uni.createFrom().failure(ApiException.invalid("environment",
                    "admin keys cover the whole project; leave it out"));
        }
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            return Uni.createFrom().failure(ApiException.invalid("expiresAt", "must be in the future"));
        }
        Uni<EnvironmentEntity> environment = environmentName == null
                ? Uni.createFrom().nullItem()
                : environments.findByName(projectId, environmentName)
                        .onItem().ifNull().failWith(() -> ApiException.invalid("environment",
                                "no environment '" + environmentName + "' in this project"));
        return projects.findById(projectId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Project"))
                .flatMap(project -> environment)
                .flatMap(env -> {
                    String secret = ApiKeyTokens.generate(kind);
                    ApiKeyEntity key = new ApiKeyEntity();
                    key.id = UUID.randomUUID();
                    key.projectId = projectId;
                    key.environmentId = env == null ? null : env.id;
                    key.kind = kind.wireName();
                    key.name = name == null || name.isBlank() ? kind.wireName() + " key" : name;
                    key.displayPrefix = ApiKeyTokens.displayPrefix(secret);
                    key.tokenHash = ApiKeyTokens.hash(secret);
                    key.createdAt = Instant.now();
                    key.expiresAt = expiresAt;
                    return keys.persist(key).map(saved -> new IssuedKey(saved, env == null ? null : env.name,
                            secret));
                });
    }

    @WithSession
    public Uni<List<KeyWithEnvironment>> list(UUID projectId) {
        return environments.listByProject(projectId).flatMap(envs -> keys.listByProject(projectId)
                .map(found -> found.stream()
                        .map(key -> new KeyWithEnvironment(key, envs.stream()
                                .filter(env -> env.id.equals(key.environmentId))
                                .map(env -> env.name).findFirst().orElse(null)))
                        .toList()));
    }

    /**
     * Revokes the key, telling the services in the same transaction, and once that is committed evicts its cached
     * resolution; null when the project has no such key. Revoking twice is harmless.
     */
    public Uni<ApiKeyEntity> revoke(UUID projectId, UUID keyId) {
        return Panache.withTransaction(() -> keys.findInProject(projectId, keyId).invoke(key -> {
            if (key != null && key.revokedAt == null) {
                key.revokedAt = Instant.now();
            }
        }).call(key -> key == null ? Uni.createFrom().voidItem() : keys.notifyRevoked(key.id)))
                .call(key -> key == null ? Uni.createFrom().voidItem() : resolutions.evictAfterCommit(key.tokenHash));
    }
}
