package dev.flywheel.gateway.people.service;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.gateway.config.ConsoleConfig;
import dev.flywheel.gateway.keys.service.ApiKeyTokens;
import dev.flywheel.service.config.RedisKeyspace;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.GetExArgs;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Console sessions in Redis (ADR 0011): a random id in the cookie, the entry under the id's SHA-256 (so the store
 * holds nothing a cookie could be made from), an idle timeout that slides with use and an absolute one from
 * sign-in, and an index per person so signing out everywhere, a password change or disabling ends them all.
 */
@ApplicationScoped
public class SessionStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder TOKEN = Base64.getUrlEncoder().withoutPadding();

    /** What a session holds. */
    public record Session(UUID personId, long createdAtMillis, String csrfToken) {
    }

    /** A new session: the cookie's value and what is stored for it. */
    public record Opened(String id, String hash, Session session) {
    }

    private final ReactiveRedisDataSource redis;
    private final RedisKeyspace keyspace;
    private final ConsoleConfig config;
    private final ObjectMapper json;

    public SessionStore(ReactiveRedisDataSource redis, RedisKeyspace keyspace, ConsoleConfig config,
            ObjectMapper json) {
        this.redis = redis;
        this.keyspace = keyspace;
        this.config = config;
        this.json = json;
    }

    public Uni<Opened> open(UUID personId) {
        String id = randomToken();
        String hash = ApiKeyTokens.hash(id);
        Session session = new Session(personId, System.currentTimeMillis(), randomToken());
        String index = indexKey(personId);
        return redis.value(String.class).set(sessionKey(hash), encode(session),
                new SetArgs().px(config.sessionIdleTimeout()))
                .call(() -> redis.set(String.class).sadd(index, hash))
                .call(() -> redis.key(String.class).pexpire(index, config.sessionAbsoluteTimeout()))
                .replaceWith(new Opened(id, hash, session));
    }

    /** The live session with this cookie value (its idle timeout restarted), or null. */
    public Uni<Session> touch(String id) {
        String key = sessionKey(ApiKeyTokens.hash(id));
        return redis.value(String.class).getex(key, new GetExArgs().px(config.sessionIdleTimeout())).flatMap(
                stored -> {
                    Session session = stored == null ? null : decode(stored);
                    if (session == null) {
                        return Uni.createFrom().nullItem();
                    }
                    Instant absoluteEnd = Instant.ofEpochMilli(session.createdAtMillis())
                            .plus(config.sessionAbsoluteTimeout());
                    if (!Instant.now().isBefore(absoluteEnd)) {
                        return redis.key(String.class).del(key).replaceWith((Session) null);
                    }
                    return Uni.createFrom().item(session);
                });
    }

    public Uni<Void> close(String hash) {
        return redis.key(String.class).del(sessionKey(hash)).replaceWithVoid();
    }

    /** Ends every session of the person (sign out everywhere, password change, disabled). */
    public Uni<Void> closeAll(UUID personId) {
        String index = indexKey(personId);
        return redis.set(String.class).smembers(index).flatMap(hashes -> {
            String[] keys = new String[hashes.size() + 1];
            int i = 0;
            for (String hash : hashes) {
                keys[i++] = sessionKey(hash);
            }
            keys[i] = index;
            return redis.key(String.class).del(keys);
        }).replaceWithVoid();
    }

    /** The session id's hash, as {@link #close} takes it. */
    public static String hashOf(String id) {
        return ApiKeyTokens.hash(id);
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return TOKEN.encodeToString(bytes);
    }

    private String sessionKey(String hash) {
        return keyspace.key("gateway", "session", hash);
    }

    private String indexKey(UUID personId) {
        return keyspace.key("gateway", "person-sessions", personId.toString());
    }

    private String encode(Session session) {
        try {
            return json.writeValueAsString(session);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A session is always serialisable", e);
        }
    }

    private Session decode(String stored) {
        try {
            return json.readValue(stored, Session.class);
        } catch (JsonProcessingException e) {
            return null; // an older format after an upgrade: sign in again
        }
    }
}
