package dev.flywheel.feedback.recordings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.feedback.config.FeedbackConfig;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.recordings.BlobKeys;
import dev.flywheel.recordings.BlobStore;
import dev.flywheel.recordings.ChunkReader;
import dev.flywheel.recordings.FileSystemBlobStore;
import dev.flywheel.recordings.RecordingChunk;
import dev.flywheel.recordings.RecordingLimits;
import dev.flywheel.recordings.S3BlobStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Recording chunks in and replays out (ADR 0012): a chunk is read and bounded, written to the blob store, then
 * recorded with its session's summary; a replay streams the stored chunks' events in order. Blob and decompression
 * work runs on worker threads.
 */
@ApplicationScoped
public class Recordings {

    /** What storing a chunk did. */
    public record Stored(RecordingChunk chunk, boolean duplicate) {
    }

    /** One stored chunk's events, ready to join: JSON array elements without the brackets. */
    public record ReplayPart(String windowId, int sequence, byte[] eventsJson) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingStore store;
    private final BlobStore blobs;
    private final ChunkReader reader;
    private final java.time.Duration defaultRetention;

    public Recordings(RecordingStore store, FeedbackConfig config) throws IOException {
        this.store = store;
        this.defaultRetention = config.recordings().retention();
        this.blobs = blobStore(config.recordings());
        this.reader = new ChunkReader(new RecordingLimits(config.recordings().maxChunkBytes(),
                config.recordings().maxDecompressedBytes(), config.recordings().maxEventsPerChunk()));
    }

    private static BlobStore blobStore(FeedbackConfig.Recordings settings) throws IOException {
        if (settings.store() == FeedbackConfig.Recordings.Store.FILESYSTEM) {
            return new FileSystemBlobStore(settings.directory());
        }
        FeedbackConfig.Recordings.S3 s3 = settings.s3();
        S3BlobStore store = new S3BlobStore(new S3BlobStore.Settings(s3.endpoint(), s3.region(), s3.bucket(),
                s3.accessKeyId().orElse(""), s3.secretAccessKey().orElse(""), s3.pathStyle(), s3.timeout()));
        if (s3.createBucket()) {
            store.createBucketIfMissing();
        }
        return store;
    }

    public Uni<Stored> put(Scope scope, byte[] body, boolean gzip) {
        return Uni.createFrom().item(() -> {
            RecordingChunk chunk = reader.read(body, gzip, System.currentTimeMillis());
            String key = BlobKeys.chunk(scope.getProjectId(), scope.getEnvironment(), chunk.sessionId(),
                    chunk.windowId(), chunk.sequence());
            put(key, body);
            return new Keyed(chunk, key);
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(keyed -> store.record(scope, keyed.chunk(), keyed.key(), body.length)
                        .map(recorded -> new Stored(keyed.chunk(), !recorded)));
    }

    public Uni<List<RecordingStore.StoredSession>> list(Scope scope, RecordingStore.Filter filter) {
        return store.list(scope, filter);
    }

    public Uni<RecordingStore.StoredSession> find(Scope scope, String sessionId) {
        return store.find(scope, sessionId);
    }

    /** The session's events chunk by chunk, each read when the previous one has been sent. */
    public Multi<ReplayPart> replay(Scope scope, String sessionId) {
        return store.chunks(scope, sessionId).onItem().transformToMulti(chunks -> Multi.createFrom()
                .iterable(chunks))
                .onItem().transformToUniAndConcatenate(chunk -> Uni.createFrom().item(() -> part(chunk))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }

    /** Deletes sessions (blobs first, then their rows); how many sessions went. */
    public Uni<Integer> delete(Scope scope, List<String> sessionIds) {
        return Uni.createFrom().item(() -> {
            for (String sessionId : sessionIds) {
                try {
                    blobs.deleteAll(BlobKeys.session(scope.getProjectId(), scope.getEnvironment(), sessionId));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return sessionIds;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).flatMap(ids -> store.delete(scope, ids));
    }

    public Uni<List<RecordingStore.SurveyShown>> surveysDuring(Scope scope, RecordingStore.StoredSession session) {
        return store.surveysDuring(scope, session);
    }

    public Uni<List<String>> feedbackDuring(Scope scope, RecordingStore.StoredSession session) {
        return store.feedbackDuring(scope, session);
    }

    /** The project's retention in days: its own, or the default. */
    public Uni<Integer> retentionDays(String projectId) {
        return store.retentionDays(projectId).map(days -> days != null
                ? days
                : (int) Math.max(1, defaultRetention
                        .toDays()));
    }

    public Uni<Void> setRetentionDays(String projectId, Integer days) {
        return store.setRetentionDays(projectId, days);
    }

    public Uni<List<String>> sessionsOf(Scope scope, String distinctId) {
        return store.sessionsOf(scope, distinctId);
    }

    private ReplayPart part(RecordingStore.StoredChunk chunk) {
        try {
            byte[] stored = blobs.get(chunk.blobKey()).orElseThrow(() -> new IllegalStateException(
                    "recording chunk " + chunk.blobKey() + " is recorded but not in the blob store"));
            JsonNode events = JSON.readTree(reader.decompress(stored, ChunkReader.isGzip(stored))).path("events");
            byte[] array = JSON.writeValueAsBytes(events);
            return new ReplayPart(chunk.windowId(), chunk.sequence(), java.util.Arrays.copyOfRange(array, 1,
                    array.length - 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void put(String key, byte[] body) {
        try {
            blobs.put(key, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Keyed(RecordingChunk chunk, String key) {
    }
}
