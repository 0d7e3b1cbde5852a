package dev.flywheel.sdk;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Where a user's sticky buckets live: per (project, environment, attribute, value) a document of fields
 * {@code <experiment>__<bucketVersion>} = variation key, as the assignment service and GrowthBook keep them.
 * Synchronous assignment reads only what {@link #cached} holds, so it never waits on a network; a store backed by a
 * server loads documents with {@link #load} ahead of time (the SDK's asynchronous assignment does) and writes in the
 * background.
 */
public interface StickyBucketStore extends AutoCloseable {

    /** One user's document: the attribute hashed on and the user's value of it, in one environment. */
    record Document(String projectId, String environment, String attribute, String value) {
    }

    /** The document's fields as held in this process now (empty when none), without any I/O. */
    Map<String, String> cached(Document document);

    /** Makes the documents' stored fields available to {@link #cached}; completes when they are (or failed). */
    CompletionStage<Void> load(Collection<Document> documents);

    /** Stores one new assignment: in this process at once, remotely (if at all) in the background. */
    void save(Document document, String field, String variationKey);

    @Override
    default void close() {
    }
}
