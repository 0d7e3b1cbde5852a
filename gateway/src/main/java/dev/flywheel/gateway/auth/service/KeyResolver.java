package dev.flywheel.gateway.auth.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.gateway.caller.KeyKind;
import dev.flywheel.gateway.caller.ResolvedKey;
import dev.flywheel.gateway.config.GatewayConfig;
import dev.flywheel.gateway.keys.repository.ApiKeyEntity;
import dev.flywheel.gateway.keys.repository.ApiKeyRepository;
import dev.flywheel.gateway.keys.service.ApiKeyTokens;
import dev.flywheel.gateway.keys.service.KeyResolutionCache;
import dev.flywheel.gateway.tenancy.repository.EnvironmentRepository;
import dev.flywheel.gateway.tenancy.repository.ProjectRepository;
import dev.flywheel.gateway.tenancy.service.ProjectChangeHook;
import dev.flywheel.service.config.RedisKeyspace;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Turns a presented key into a {@link ResolvedKey}, or null when it is unknown, revoked or expired. Resolutions are
 * cached in Redis under the key's hash (shared by every gateway replica), so the hot path is one Redis GET;
 * revocation and project changes delete the entries.
 */
@ApplicationScoped
public class KeyResolver implements KeyResolutionCache, ProjectChangeHook {

    private static final Logger LOG = Logger.getLogger(KeyResolver.class);
    private static final String UNKNOWN = "-";
    private static final Duration SECOND_EVICTION_DELAY = Duration.ofSeconds(2);

    private final ApiKeyRepository keys;
    private final ProjectRepository projects;
    private final EnvironmentRepository environments;
    private final ReactiveValueCommands<String, String> cache;
    private final ReactiveRedisDataSource redis;
    private final RedisKeyspace keyspace;
    private final GatewayConfig config;
    private final ObjectMapper json;
    private final Optional<byte[]> bootstrapKeyHash;

    public KeyResolver(ApiKeyRepository keys, ProjectRepository projects, EnvironmentRepository environments,
            ReactiveRedisDataSource redis, RedisKeyspace keyspace, GatewayConfig config, ObjectMapper json) {
        this.keys = keys;
        this.projects = projects;
        this.environments = environments;
        this.redis = redis;
        this.cache = redis.value(String.class);
        this.keyspace = keyspace;
        this.config = config;
        this.json = json;
        this.bootstrapKeyHash = config.bootstrapAdminKey().filter(k -> !k.isBlank()).map(KeyResolver::digest);
    }

    /** Whether the token is the operator's bootstrap credential (compared in constant time). */
    public boolean isBootstrapKey(String token) {
        return token != null
                && bootstrapKeyHash.map(expected -> MessageDigest.isEqual(expected, digest(token))).orElse(false);
    }

    public Uni<ResolvedKey> resolve(String token) {
        if (!ApiKeyTokens.wellFormed(token)) {
            return Uni.createFrom().nullItem();
        }
        String hash = ApiKeyTokens.hash(token);
        String cacheKey = cacheKey(hash);
        return cache.get(cacheKey)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Key cache unavailable, reading PostgreSQL: %s", failure.getMessage());
                    return null;
                })
                .flatMap(cached -> {
                    if (UNKNOWN.equals(cached)) {
                        return Uni.createFrom().<ResolvedKey>nullItem();
                    }
                    ResolvedKey decoded = cached == null ? null : decode(cached);
                    return decoded != null ? Uni.createFrom().item(decoded) : loadAndCache(hash, cacheKey);
                })
                .map(key -> key == null || key.expiredAt(Instant.now()) ? null : key);
    }

    /**
     * Drops cached resolutions after a committed revocation or project change. A request that read the old row just
     * before the commit may re-cache it, so the entries are dropped once more a moment later.
     */
    @Override
    public Uni<Void> evictAfterCommit(String... tokenHashes) {
        if (tokenHashes.length == 0) {
            return Uni.createFrom().voidItem();
        }
        String[] cacheKeys = Arrays.stream(tokenHashes).map(this::cacheKey).toArray(String[]::new);
        Uni<Void> evict = redis.key(String.class).del(cacheKeys).replaceWithVoid();
        return evict.invoke(() -> evict.onItem().delayIt().by(SECOND_EVICTION_DELAY)
                .subscribe().with(ignored -> {
                }, failure -> LOG.warnf("Second cache eviction failed: %s", failure.getMessage())));
    }

    /** A project's cached resolutions carry its limits and origins: dropped when they change. */
    @Override
    public Uni<Void> projectChanged(UUID projectId) {
        return Panache.withSession(() -> keys.hashesOfProject(projectId))
                .flatMap(hashes -> evictAfterCommit(hashes.toArray(String[]::new)));
    }

    private Uni<ResolvedKey> loadAndCache(String hash, String cacheKey) {
        return Panache.withSession(() -> keys.findUnrevokedByHash(hash)
                .flatMap(entity -> entity == null ? Uni.createFrom().<ResolvedKey>nullItem() : toResolved(entity)))
                .call(resolved -> cache.set(cacheKey, resolved == null ? UNKNOWN : encode(resolved),
                        new SetArgs().px(resolved == null ? config.unknownKeyCacheTtl() : cacheTtl(resolved)))
                        .onFailure().recoverWithNull());
    }

    private Uni<ResolvedKey> toResolved(ApiKeyEntity key) {
        Uni<String> environmentName = key.environmentId == null
                ? Uni.createFrom().nullItem()
                : environments.findById(key.environmentId).map(env -> env == null ? null : env.name);
        return projects.findById(key.projectId)
                .flatMap(project -> environmentName.map(environment -> new ResolvedKey(
                        key.id, KeyKind.fromWireName(key.kind), project.organisationId, project.id,
                        key.environmentId, environment, key.expiresAt, project.rateLimitPerSecond,
                        project.rateLimitBurst, project.corsOrigins())));
    }

    private Duration cacheTtl(ResolvedKey key) {
        Duration ttl = config.keyCacheTtl();
        if (key.expiresAt() != null) {
            Duration untilExpiry = Duration.between(Instant.now(), key.expiresAt());
            if (untilExpiry.compareTo(ttl) < 0) {
                ttl = untilExpiry.isNegative() || untilExpiry.isZero() ? Duration.ofMillis(1) : untilExpiry;
            }
        }
        return ttl;
    }

    String cacheKey(String hash) {
        return keyspace.key("gateway", "apikey", hash);
    }

    private String encode(ResolvedKey key) {
        try {
            return json.writeValueAsString(key);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ResolvedKey is always serialisable", e);
        }
    }

    private ResolvedKey decode(String cached) {
        try {
            return json.readValue(cached, ResolvedKey.class);
        } catch (JsonProcessingException e) {
            // An entry in an older format (after an upgrade): reload it from PostgreSQL.
            return null;
        }
    }

    private static byte[] digest(String token) {
        return ApiKeyTokens.hash(token).getBytes(StandardCharsets.US_ASCII);
    }
}
