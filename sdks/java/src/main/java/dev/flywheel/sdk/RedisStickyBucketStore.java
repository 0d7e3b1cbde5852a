package dev.flywheel.sdk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * Sticky buckets shared by every replica, in Redis, in the assignment service's own layout (one hash per user
 * document under {@code <prefix>assign:user:<project>:<environment>:<attribute>||<value>}): pointed at the
 * platform's Redis and key prefix, the SDK and the service keep the same buckets for a user. Redis is only ever
 * called on this store's own threads; what a synchronous assignment reads is the documents held in this process
 * (loaded ahead by asynchronous assignment, or by a miss for the next call).
 */
public final class RedisStickyBucketStore implements StickyBucketStore {

    private final RedisClient redis;
    private final String prefix;
    private final long ttlMillis;
    private final InMemoryStickyBucketStore local;
    private final ExecutorService io;

    /**
     * @param prefix
     *            the platform's key prefix ({@code FLYWHEEL_REDIS_KEY_PREFIX}, "fw:" by default)
     * @param ttl
     *            how long a document lives after its last write (the platform's sticky TTL, 180 days by default)
     */
    public RedisStickyBucketStore(RedisClient redis, String prefix, Duration ttl, int maxLocalDocuments) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttlMillis = ttl.toMillis();
        this.local = new InMemoryStickyBucketStore(maxLocalDocuments);
        this.io = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "flywheel-sticky-redis");
            thread.setDaemon(true);
            return thread;
        });
    }

    public RedisStickyBucketStore(RedisClient redis) {
        this(redis, "fw:", Duration.ofDays(180), 1_000_000);
    }

    @Override
    public Map<String, String> cached(Document document) {
        return local.cached(document);
    }

    @Override
    public CompletionStage<Void> load(Collection<Document> documents) {
        if (documents.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Document> wanted = List.copyOf(documents);
        return CompletableFuture.runAsync(() -> {
            List<Response<Map<String, String>>> answers = new ArrayList<>(wanted.size());
            try (Pipeline pipeline = redis.pipelined()) {
                for (Document document : wanted) {
                    answers.add(pipeline.hgetAll(key(document)));
                }
                pipeline.sync();
            }
            for (int i = 0; i < wanted.size(); i++) {
                Document document = wanted.get(i);
                answers.get(i).get().forEach((field, variation) -> {
                    if (!field.startsWith("x:")) { // the service's exposure marks live beside the buckets
                        local.save(document, field, variation);
                    }
                });
            }
        }, io);
    }

    @Override
    public void save(Document document, String field, String variationKey) {
        local.save(document, field, variationKey);
        io.execute(() -> {
            try (Pipeline pipeline = redis.pipelined()) {
                String key = key(document);
                pipeline.hset(key, field, variationKey);
                pipeline.pexpire(key, ttlMillis);
                pipeline.sync();
            } catch (RuntimeException e) {
                // kept in this process; the next assignment of the user on another replica hashes again
            }
        });
    }

    private String key(Document document) {
        return prefix + "assign:user:" + document.projectId() + ":" + document.environment() + ":"
                + document.attribute() + "||" + document.value();
    }

    @Override
    public void close() {
        io.shutdown();
    }
}
