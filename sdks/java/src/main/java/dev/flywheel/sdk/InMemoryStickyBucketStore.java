package dev.flywheel.sdk;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sticky buckets in this process only, for up to a bounded number of users (least recently used forgotten first): right
 * for one replica, or where a user reaches the same replica. Several replicas share buckets through
 * {@link RedisStickyBucketStore}.
 */
public final class InMemoryStickyBucketStore implements StickyBucketStore {

    private final Map<Document, Map<String, String>> documents;

    public InMemoryStickyBucketStore() {
        this(1_000_000);
    }

    public InMemoryStickyBucketStore(int maxDocuments) {
        this.documents = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Document, Map<String, String>> eldest) {
                return size() > maxDocuments;
            }
        });
    }

    @Override
    public Map<String, String> cached(Document document) {
        Map<String, String> fields = documents.get(document);
        return fields == null ? Map.of() : fields;
    }

    @Override
    public CompletionStage<Void> load(Collection<Document> wanted) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void save(Document document, String field, String variationKey) {
        documents.computeIfAbsent(document, d -> new ConcurrentHashMap<>()).put(field, variationKey);
    }
}
