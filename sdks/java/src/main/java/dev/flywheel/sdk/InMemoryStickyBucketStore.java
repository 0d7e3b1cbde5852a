package dev.flywheel.sdk;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sticky buckets in this process only, for up to a bounded number of user documents (past it, a tenth of them,
 * chosen arbitrarily, is forgotten): right for one replica, or where a user reaches the same replica. Several
 * replicas share buckets through {@link RedisStickyBucketStore}. Reads take no lock: assignment reads a document per
 * sticky experiment.
 */
public final class InMemoryStickyBucketStore implements StickyBucketStore {

    private final Map<Document, Map<String, String>> documents = new ConcurrentHashMap<>();
    private final int maxDocuments;

    public InMemoryStickyBucketStore() {
        this(1_000_000);
    }

    public InMemoryStickyBucketStore(int maxDocuments) {
        this.maxDocuments = maxDocuments;
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
        if (documents.size() >= maxDocuments) {
            Iterator<Document> oldest = documents.keySet().iterator();
            for (int i = maxDocuments / 10; i >= 0 && oldest.hasNext(); i--) {
                oldest.next();
                oldest.remove();
            }
        }
        documents.computeIfAbsent(document, d -> new ConcurrentHashMap<>()).put(field, variationKey);
    }
}
