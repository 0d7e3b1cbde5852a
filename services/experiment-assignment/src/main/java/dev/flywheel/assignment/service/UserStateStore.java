package dev.flywheel.assignment.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.assignment.config.AssignmentConfig;
import dev.flywheel.experiments.Assignment;
import dev.flywheel.service.config.RedisKeyspace;
import dev.flywheel.service.redis.RedisScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * A user's state in Redis, read in one round trip per request: sticky-bucket documents (one hash per project,
 * environment, attribute and value; field {@code <experiment>__<bucketVersion>}, value the variation key) and
 * which exposures were already sent.
 */
@ApplicationScoped
public class UserStateStore {

    /** KEYS: sticky documents, then exposure marks; ARGV[1]: how many sticky documents. */
    private static final RedisScript LOAD = new RedisScript("""
            local documents = tonumber(ARGV[1])
            local out = {}
            for i = 1, documents do
              out[i] = redis.call('HGETALL', KEYS[i])
            end
            local seen = {}
            for i = documents + 1, #KEYS do
              seen[#seen + 1] = redis.call('EXISTS', KEYS[i])
            end
            out[documents + 1] = seen
            return out
            """);

    /** KEYS: documents; ARGV: ttl, then per document its number of fields and the field/value pairs. */
    private static final RedisScript STORE = new RedisScript("""
            local at = 2
            for i, key in ipairs(KEYS) do
              local n = tonumber(ARGV[at])
              at = at + 1
              for j = 1, n do
                redis.call('HSET', key, ARGV[at], ARGV[at + 1])
                at = at + 2
              end
              redis.call('PEXPIRE', key, ARGV[1])
            end
            return #KEYS
            """);

    /** Claims exposures about to be sent: 1 for each key this call claimed, 0 where another call already had. */
    private static final RedisScript CLAIM = new RedisScript("""
            local claimed = {}
            for i, key in ipairs(KEYS) do
              claimed[i] = redis.call('SET', key, 'pending', 'NX', 'PX', ARGV[1]) and 1 or 0
            end
            return claimed
            """);

    /** How long a claimed exposure waits for Kafka before another assignment may send it again. */
    private static final long CLAIM_MILLIS = 60_000;

    private static final RedisScript MARK = new RedisScript("""
            for i, key in ipairs(KEYS) do
              redis.call('SET', key, '1', 'PX', ARGV[1])
            end
            return #KEYS
            """);

    private final ReactiveRedisDataSource redis;
    private final RedisKeyspace keyspace;
    private final AssignmentConfig config;

    public UserStateStore(ReactiveRedisDataSource redis, RedisKeyspace keyspace, AssignmentConfig config) {
        this.redis = redis;
        this.keyspace = keyspace;
        this.config = config;
    }

    /** A sticky document's identity: an attribute and the user's value of it. */
    public record Document(String attribute, String value) {
    }

    /** What was read: each document's assignments, and the exposure identities already sent. */
    public record UserState(Map<Document, Map<String, String>> documents, List<Boolean> exposed) {
    }

    public Uni<UserState> load(String projectId, String environment, List<Document> documents,
            List<String> exposureIdentities) {
        if (documents.isEmpty() && exposureIdentities.isEmpty()) {
            return Uni.createFrom().item(new UserState(Map.of(), List.of()));
        }
        String[] keys = new String[documents.size() + exposureIdentities.size()];
        for (int i = 0; i < documents.size(); i++) {
            keys[i] = documentKey(projectId, environment, documents.get(i));
        }
        for (int i = 0; i < exposureIdentities.size(); i++) {
            keys[documents.size() + i] = exposureKey(exposureIdentities.get(i));
        }
        return LOAD.run(redis, keys, Integer.toString(documents.size())).map(response -> {
            Map<Document, Map<String, String>> read = new HashMap<>();
            for (int i = 0; i < documents.size(); i++) {
                Response fields = response.get(i);
                if (fields != null && fields.size() > 0) {
                    Map<String, String> assignments = new HashMap<>();
                    for (int f = 0; f + 1 < fields.size(); f += 2) {
                        assignments.put(fields.get(f).toString(), fields.get(f + 1).toString());
                    }
                    read.put(documents.get(i), assignments);
                }
            }
            Response seen = response.get(documents.size());
            List<Boolean> exposed = new ArrayList<>(exposureIdentities.size());
            for (int i = 0; i < exposureIdentities.size(); i++) {
                exposed.add(seen != null && i < seen.size() && seen.get(i).toLong() == 1L);
            }
            return new UserState(read, exposed);
        });
    }

    /** Stores new sticky assignments; documents live {@code sticky-ttl} after their last write. */
    public Uni<Void> store(String projectId, String environment, List<Assignment.StickyWrite> writes) {
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, List<Assignment.StickyWrite>> byDocument = new LinkedHashMap<>();
        for (Assignment.StickyWrite write : writes) {
            byDocument.computeIfAbsent(documentKey(projectId, environment,
                    new Document(write.attribute(), write.value())), k -> new ArrayList<>()).add(write);
        }
        List<String> args = new ArrayList<>();
        args.add(Long.toString(config.stickyTtl().toMillis()));
        for (List<Assignment.StickyWrite> fields : byDocument.values()) {
            args.add(Integer.toString(fields.size()));
            for (Assignment.StickyWrite write : fields) {
                args.add(write.field());
                args.add(write.variationKey());
            }
        }
        return STORE.run(redis, byDocument.keySet().toArray(String[]::new), args.toArray(String[]::new))
                .replaceWithVoid();
    }

    /**
     * Claims the exposures this request is about to send, so concurrent requests for the same user send each once.
     * A claim expires after a minute: if this replica dies before Kafka acknowledged, a later assignment sends it.
     */
    public Uni<List<Boolean>> claimExposures(List<String> identities) {
        if (identities.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return CLAIM.run(redis, identities.stream().map(this::exposureKey).toArray(String[]::new),
                Long.toString(CLAIM_MILLIS)).map(response -> {
                    List<Boolean> claimed = new ArrayList<>(identities.size());
                    for (int i = 0; i < identities.size(); i++) {
                        claimed.add(response.get(i).toLong() == 1L);
                    }
                    return claimed;
                });
    }

    /** Gives claims back after Kafka refused the exposures, so the next assignment sends them. */
    public Uni<Void> releaseExposures(List<String> identities) {
        if (identities.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return redis.execute("DEL", identities.stream().map(this::exposureKey).toArray(String[]::new))
                .replaceWithVoid();
    }

    /** Remembers exposures Kafka acknowledged, so they are not sent again. */
    public Uni<Void> markExposed(List<String> identities) {
        if (identities.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return MARK.run(redis, identities.stream().map(this::exposureKey).toArray(String[]::new),
                Long.toString(config.exposureTtl().toMillis())).replaceWithVoid();
    }

    private String documentKey(String projectId, String environment, Document document) {
        return keyspace.key("assign", "sticky", projectId, environment, document.attribute() + "||"
                + document.value());
    }

    private String exposureKey(String identity) {
        return keyspace.key("assign", "exposed", identity);
    }
}
