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
 * A user's assignment state in Redis: one hash per (project, environment, attribute, value). Its fields are the
 * sticky buckets ({@code <experiment>__<bucketVersion>} = variation key, as GrowthBook stores them) and the
 * exposures already sent ({@code x:<experiment>__<bucketVersion>} = "1", or "p<millis>" while one is being sent).
 * A request costs one round trip to read and, when something is new, one to write.
 */
@ApplicationScoped
public class UserStateStore {

    /** How long a claimed exposure waits for Kafka before another assignment may send it again. */
    static final long CLAIM_MILLIS = 60_000;
    private static final String EXPOSED = "1";

    private static final RedisScript LOAD = new RedisScript("""
            local out = {}
            for i, key in ipairs(KEYS) do
              out[i] = redis.call('HGETALL', KEYS[i])
            end
            return out
            """);

    /**
     * KEYS: documents. ARGV: now, claim millis, ttl, then per document: the number of sticky fields and their
     * field/value pairs, the number of exposure fields and the fields. Returns 1 for each exposure this call claimed
     * (no mark, or a claim older than the claim window), else 0.
     */
    private static final RedisScript WRITE = new RedisScript("""
            local now = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local at = 4
            local claimed = {}
            for i, key in ipairs(KEYS) do
              local n = tonumber(ARGV[at])
              at = at + 1
              for j = 1, n do
                redis.call('HSET', key, ARGV[at], ARGV[at + 1])
                at = at + 2
              end
              local c = tonumber(ARGV[at])
              at = at + 1
              for j = 1, c do
                local mark = redis.call('HGET', key, ARGV[at])
                if (not mark) or (string.sub(mark, 1, 1) == 'p' and now - tonumber(string.sub(mark, 2)) > window) then
                  redis.call('HSET', key, ARGV[at], 'p' .. now)
                  claimed[#claimed + 1] = 1
                else
                  claimed[#claimed + 1] = 0
                end
                at = at + 1
              end
              redis.call('PEXPIRE', key, ARGV[3])
            end
            return claimed
            """);

    /** KEYS: documents. ARGV: "1" to mark sent, "" to remove the claim; then per document a count and the fields. */
    private static final RedisScript MARK = new RedisScript("""
            local at = 2
            for i, key in ipairs(KEYS) do
              local n = tonumber(ARGV[at])
              at = at + 1
              for j = 1, n do
                if ARGV[1] == '' then
                  redis.call('HDEL', key, ARGV[at])
                else
                  redis.call('HSET', key, ARGV[at], ARGV[1])
                end
                at = at + 1
              end
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

    /** A user's document: an attribute and the user's value of it. */
    public record Document(String attribute, String value) {
    }

    /** An exposure's place: the document of the attribute hashed on, and the experiment's bucket-version field. */
    public record Exposure(Document document, String field) {
    }

    /** Each document's fields as read. */
    public record UserState(Map<Document, Map<String, String>> documents) {

        /** The sticky assignments of a document (its fields, exposure marks included: they never collide). */
        public Map<String, String> fields(Document document) {
            return documents.getOrDefault(document, Map.of());
        }

        /** Whether the exposure was sent, or is being sent by another request right now. */
        public boolean exposed(Exposure exposure, long nowMillis) {
            String mark = fields(exposure.document()).get(markField(exposure.field()));
            return mark != null && (mark.equals(EXPOSED)
                    || (mark.startsWith("p") && nowMillis - Long.parseLong(mark.substring(1)) <= CLAIM_MILLIS));
        }
    }

    public Uni<UserState> load(String projectId, String environment, List<Document> documents) {
        if (documents.isEmpty()) {
            return Uni.createFrom().item(new UserState(Map.of()));
        }
        if (documents.size() == 1) {
            // the usual case (one hash attribute): a plain HGETALL costs Redis a fifth of a script call
            Document only = documents.get(0);
            return redis.execute("HGETALL", key(projectId, environment, only)).map(fields -> {
                Map<String, String> values = fields(fields);
                return new UserState(values.isEmpty() ? Map.of() : Map.of(only, values));
            });
        }
        String[] keys = documents.stream().map(d -> key(projectId, environment, d)).toArray(String[]::new);
        return LOAD.run(redis, keys).map(response -> {
            Map<Document, Map<String, String>> read = new HashMap<>();
            for (int i = 0; i < documents.size(); i++) {
                Map<String, String> values = fields(response.get(i));
                if (!values.isEmpty()) {
                    read.put(documents.get(i), values);
                }
            }
            return new UserState(read);
        });
    }

    /** A hash's fields, from a RESP3 map or a flat RESP2 array (what scripts return). */
    private static Map<String, String> fields(Response hash) {
        if (hash == null || hash.size() == 0) {
            return Map.of();
        }
        Map<String, String> values = new HashMap<>();
        if (hash.isMap()) {
            for (String field : hash.getKeys()) {
                values.put(field, hash.get(field).toString());
            }
        } else {
            for (int f = 0; f + 1 < hash.size(); f += 2) {
                values.put(hash.get(f).toString(), hash.get(f + 1).toString());
            }
        }
        return values;
    }

    /**
     * Stores new sticky assignments and claims the exposures about to be sent, in one round trip; answers which
     * exposures this call claimed (in order). Documents live {@code sticky-ttl} after their last write.
     */
    public Uni<List<Boolean>> write(String projectId, String environment, List<Assignment.StickyWrite> sticky,
            List<Exposure> exposures, long nowMillis) {
        if (sticky.isEmpty() && exposures.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Map<Document, List<String[]>> fields = new LinkedHashMap<>();
        Map<Document, List<String>> claims = new LinkedHashMap<>();
        for (Assignment.StickyWrite write : sticky) {
            Document document = new Document(write.attribute(), write.value());
            fields.computeIfAbsent(document, d -> new ArrayList<>())
                    .add(new String[]{write.field(), write.variationKey()});
            claims.computeIfAbsent(document, d -> new ArrayList<>());
        }
        for (Exposure exposure : exposures) {
            fields.computeIfAbsent(exposure.document(), d -> new ArrayList<>());
            claims.computeIfAbsent(exposure.document(), d -> new ArrayList<>()).add(markField(exposure.field()));
        }
        List<String> args = new ArrayList<>(List.of(Long.toString(nowMillis), Long.toString(CLAIM_MILLIS),
                Long.toString(config.stickyTtl().toMillis())));
        List<String> keys = new ArrayList<>();
        for (Map.Entry<Document, List<String[]>> entry : fields.entrySet()) {
            keys.add(key(projectId, environment, entry.getKey()));
            args.add(Integer.toString(entry.getValue().size()));
            for (String[] pair : entry.getValue()) {
                args.add(pair[0]);
                args.add(pair[1]);
            }
            List<String> marks = claims.get(entry.getKey());
            args.add(Integer.toString(marks.size()));
            args.addAll(marks);
        }
        return WRITE.run(redis, keys.toArray(String[]::new), args.toArray(String[]::new)).map(response -> {
            // the script answers in document order; map back to the caller's exposure order
            Map<Exposure, Boolean> byExposure = new HashMap<>();
            int at = 0;
            for (Map.Entry<Document, List<String>> entry : claims.entrySet()) {
                for (String mark : entry.getValue()) {
                    byExposure.put(new Exposure(entry.getKey(), mark.substring(2)), response.get(at++).toLong() == 1L);
                }
            }
            return exposures.stream().map(e -> byExposure.getOrDefault(e, false)).toList();
        });
    }

    /** Marks exposures Kafka acknowledged as sent. */
    public Uni<Void> markExposed(String projectId, String environment, List<Exposure> exposures) {
        return setMarks(projectId, environment, exposures, true);
    }

    /** Gives claims back after Kafka refused the exposures, so the next assignment sends them. */
    public Uni<Void> releaseExposures(String projectId, String environment, List<Exposure> exposures) {
        return setMarks(projectId, environment, exposures, false);
    }

    /** One round trip for all of a request's marks, however many experiments it exposed. */
    private Uni<Void> setMarks(String projectId, String environment, List<Exposure> exposures, boolean sent) {
        if (exposures.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<Document, List<String>> byDocument = new LinkedHashMap<>();
        for (Exposure exposure : exposures) {
            byDocument.computeIfAbsent(exposure.document(), d -> new ArrayList<>()).add(markField(exposure.field()));
        }
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of(sent ? EXPOSED : ""));
        byDocument.forEach((document, marks) -> {
            keys.add(key(projectId, environment, document));
            args.add(Integer.toString(marks.size()));
            args.addAll(marks);
        });
        return MARK.run(redis, keys.toArray(String[]::new), args.toArray(String[]::new)).replaceWithVoid();
    }

    static String markField(String field) {
        return "x:" + field;
    }

    private String key(String projectId, String environment, Document document) {
        return keyspace.key("assign", "user", projectId, environment, document.attribute() + "||"
                + document.value());
    }
}
