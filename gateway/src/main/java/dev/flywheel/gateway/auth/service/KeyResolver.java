package dev.flywheel.gateway.auth.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.gateway.caller.ResolvedKey;
import dev.flywheel.gateway.config.GatewayConfig;
import dev.flywheel.gateway.keys.service.ApiKeyTokens;
import dev.flywheel.gateway.keys.service.KeyResolutionCache;
import dev.flywheel.gateway.keys.store.ApiKeyStore;
import dev.flywheel.gateway.tenancy.service.ProjectChangeHook;
import dev.flywheel.service.auth.KeyRevocations;
import dev.flywheel.service.auth.NotifiedCache;
import dev.flywheel.service.cache.SingleFlight;
import dev.flywheel.service.config.RedisKeyspace;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Turns a presented key into a {@link ResolvedKey}, or null when it is unknown, revoked or expired. The hot path asks
 * no one: resolutions (and unknown keys) are remembered in this replica, and every replica forgets a key the moment
 * its revocation, or a change of its project, is notified ({@link KeyRevocations}, a PostgreSQL NOTIFY in the changing
 * transaction). Behind that, Redis holds resolutions under the key's hash for every replica, then PostgreSQL; one
 * load per key at a time. While notifications cannot reach this replica, what it remembers is trusted for a second.
 */
@ApplicationScoped
public class KeyResolver implements KeyResolutionCache, ProjectChangeHook {

    private static final Logger LOG = Logger.getLogger(KeyResolver.class);
    private static final String UNKNOWN = "-";
    private static final Duration SECOND_EVICTION_DELAY = Duration.ofSeconds(2);
    /** After a project changes, Redis may hold its old settings until the second eviction: read PostgreSQL. */
    private static final Duration PROJECT_CHANGE_SETTLES = SECOND_EVICTION_DELAY.plusSeconds(3);
    private static final int MAX_REMEMBERED = 100_000;

    private final ApiKeyStore keys;
    private final ReactiveValueCommands<String, String> cache;
    private final ReactiveRedisDataSource redis;
    private final RedisKeyspace keyspace;
    private final GatewayConfig config;
    private final ObjectMapper json;
    private final Optional<byte[]> bootstrapKeyHash;
    private final KeyRevocations revocations;
    /** Resolutions by the token presented (so the hot path hashes nothing); a null key is an unknown one. */
    private final NotifiedCache<String, Remembered> remembered;
    private final SingleFlight<String, Optional<ResolvedKey>> loads = new SingleFlight<>();
    /** Projects changed lately (System.nanoTime), whose resolutions are read from PostgreSQL until it settles. */
    private final Map<UUID, Long> projectsChanged = new ConcurrentHashMap<>();

    private record Remembered(String hash, ResolvedKey key) {
    }

    public KeyResolver(ApiKeyStore keys, ReactiveRedisDataSource redis, RedisKeyspace keyspace, GatewayConfig config,
            ObjectMapper json, KeyRevocations revocations) {
        this.keys = keys;
        this.redis = redis;
        this.cache = redis.value(String.class);
        this.keyspace = keyspace;
        this.config = config;
        this.json = json;
        this.bootstrapKeyHash = config.bootstrapAdminKey().filter(k -> !k.isBlank()).map(KeyResolver::digest);
        this.revocations = revocations;
        this.remembered = new NotifiedCache<>(MAX_REMEMBERED, revocations::listening);
        revocations.onRevoked(keyId -> forget(key -> key.keyId().toString().equals(keyId)));
        revocations.onProjectChanged(this::forgetProject);
        revocations.onReset(remembered::forgetAll);
    }

    /** Whether the token is the operator's bootstrap credential (compared in constant time). */
    public boolean isBootstrapKey(String token) {
        // a key this replica resolved is not the bootstrap key (which is never resolved): no hashing on the hot path
        return token != null && !remembered.contains(token)
                && bootstrapKeyHash.map(expected -> MessageDigest.isEqual(expected, digest(token))).orElse(false);
    }

    public Uni<ResolvedKey> resolve(String token) {
        if (!ApiKeyTokens.wellFormed(token)) {
            return Uni.createFrom().nullItem();
        }
        long now = System.nanoTime();
        NotifiedCache.Entry<Remembered> known = remembered.get(token);
        if (known != null && trusted(known, now)) {
            return Uni.createFrom().item(usable(known.value().key()));
        }
        String hash = ApiKeyTokens.hash(token);
        long loadGeneration = remembered.generation();
        return loads.run(hash, () -> load(hash).invoke(key -> remembered.remember(token,
                new Remembered(hash, key.orElse(null)), now, loadGeneration)))
                // a revocation heard while the load was under way: the answer may predate it
                .map(key -> key.filter(loaded -> !revocations.revoked(loaded.keyId().toString()))
                        .map(KeyResolver::usable).orElse(null));
    }

    private static ResolvedKey usable(ResolvedKey key) {
        return key == null || key.expiredAt(Instant.now()) ? null : key;
    }

    private boolean trusted(NotifiedCache.Entry<Remembered> known, long now) {
        // an unknown token keeps its own TTL whether or not changes are heard: no notified change makes one known
        return known.value().key() == null
                ? now - known.loadedAt() < config.unknownKeyCacheTtl().toNanos()
                : remembered.trusted(known, now, config.keyCacheTtl());
    }

    private void forget(Predicate<ResolvedKey> which) {
        remembered.forget(known -> known.key() != null && which.test(known.key()));
    }

    private void forgetProject(String projectId) {
        UUID id;
        try {
            id = UUID.fromString(projectId);
        } catch (IllegalArgumentException notOurs) {
            return;
        }
        long now = System.nanoTime();
        projectsChanged.values().removeIf(at -> now - at > PROJECT_CHANGE_SETTLES.toNanos());
        projectsChanged.put(id, now);
        forget(key -> key.projectId().equals(id));
    }

    private boolean settling(ResolvedKey key) {
        Long changedAt = projectsChanged.get(key.projectId());
        return changedAt != null && System.nanoTime() - changedAt < PROJECT_CHANGE_SETTLES.toNanos();
    }

    /** Redis's copy, or PostgreSQL's when Redis has none, cannot answer, or may hold a project's old settings. */
    private Uni<Optional<ResolvedKey>> load(String hash) {
        String cacheKey = cacheKey(hash);
        return cache.get(cacheKey)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Key cache unavailable, reading PostgreSQL: %s", failure.getMessage());
                    return null;
                })
                .flatMap(cached -> {
                    if (UNKNOWN.equals(cached)) {
                        return Uni.createFrom().item(Optional.<ResolvedKey>empty());
                    }
                    ResolvedKey decoded = cached == null ? null : decode(cached);
                    // Redis may still hold a key revoked a moment ago (or a project's old settings): PostgreSQL
                    // decides then, so nothing remembered here is a revoked key's
                    return decoded != null && !settling(decoded) && !revocations.revoked(decoded.keyId().toString())
                            ? Uni.createFrom().item(Optional.of(decoded))
                            : loadAndCache(hash, cacheKey).map(Optional::ofNullable);
                });
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
        Set<String> evicted = new HashSet<>(Arrays.asList(tokenHashes));
        remembered.forget(known -> evicted.contains(known.hash()));
        String[] cacheKeys = Arrays.stream(tokenHashes).map(this::cacheKey).toArray(String[]::new);
        Uni<Void> evict = redis.key(String.class).del(cacheKeys).replaceWithVoid();
        return evict.invoke(() -> evict.onItem().delayIt().by(SECOND_EVICTION_DELAY)
                .subscribe().with(ignored -> {
                }, failure -> LOG.warnf("Second cache eviction failed: %s", failure.getMessage())));
    }

    /**
     * A project's cached resolutions carry its limits and origins: dropped when they change, here at once, on the
     * other replicas when they hear of it.
     */
    @Override
    public Uni<Void> projectChanged(UUID projectId) {
        forgetProject(projectId.toString());
        return keys.announceProjectChange(projectId)
                .flatMap(hashes -> evictAfterCommit(hashes.toArray(String[]::new)));
    }

    private Uni<ResolvedKey> loadAndCache(String hash, String cacheKey) {
        return keys.resolve(hash)
                .call(resolved -> cache.set(cacheKey, resolved == null ? UNKNOWN : encode(resolved),
                        new SetArgs().px(resolved == null ? config.unknownKeyCacheTtl() : cacheTtl(resolved)))
                        .onFailure().recoverWithNull());
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
