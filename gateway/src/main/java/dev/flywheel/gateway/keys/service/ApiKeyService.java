package dev.flywheel.gateway.keys.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.caller.KeyKind;
import dev.flywheel.gateway.keys.store.ApiKeyStore;
import dev.flywheel.gateway.keys.store.ApiKeyStore.ApiKeyRow;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.tenancy.store.TenancyStore;
import dev.flywheel.gateway.tenancy.store.TenancyStore.EnvironmentRow;
import io.smallrye.mutiny.Uni;

/** Issues, lists and revokes API keys. A key's secret exists only in the response that creates it. */
@ApplicationScoped
public class ApiKeyService {

    private final ApiKeyStore keys;
    private final TenancyStore tenancy;
    private final KeyResolutionCache resolutions;

    public ApiKeyService(ApiKeyStore keys, TenancyStore tenancy, KeyResolutionCache resolutions) {
        this.keys = keys;
        this.tenancy = tenancy;
        this.resolutions = resolutions;
    }

    /** A new key: the stored record and, this once, its secret. */
    public record IssuedKey(ApiKeyRow key, String secret) {
    }

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
        Uni<EnvironmentRow> environment = environmentName == null
                ? Uni.createFrom().nullItem()
                : tenancy.findEnvironment(projectId, environmentName)
                        .onItem().ifNull().failWith(() -> ApiException.invalid("environment",
                                "no environment '" + environmentName + "' in this project"));
        return tenancy.projectExists(projectId)
                .flatMap(exists -> exists
                        ? environment
                        : Uni.createFrom().failure(ApiException.notFound("Project")))
                .flatMap(env -> {
                    String secret = ApiKeyTokens.generate(kind);
                    ApiKeyRow key = new ApiKeyRow(UUID.randomUUID(), projectId, env == null ? null : env.id(),
                            env == null ? null : env.name(), kind.wireName(),
                            name == null || name.isBlank() ? kind.wireName() + " key" : name,
                            ApiKeyTokens.displayPrefix(secret), ApiKeyTokens.hash(secret),
                            Instant.now().truncatedTo(ChronoUnit.MICROS), expiresAt, null);
                    return keys.insert(key).map(saved -> new IssuedKey(saved, secret));
                });
    }

    public Uni<List<ApiKeyRow>> list(UUID projectId) {
        return keys.listByProject(projectId);
    }

    /**
     * Revokes the key, telling the services in the same transaction, and once that is committed evicts its cached
     * resolution; null when the project has no such key. Revoking twice is harmless.
     */
    public Uni<ApiKeyRow> revoke(UUID projectId, UUID keyId) {
        return keys.revoke(projectId, keyId)
                .call(key -> key == null ? Uni.createFrom().voidItem() : resolutions.evictAfterCommit(key.tokenHash()));
    }
}
