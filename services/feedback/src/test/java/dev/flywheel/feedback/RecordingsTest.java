package dev.flywheel.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;

import dev.flywheel.feedback.recordings.RecordingRetention;
import dev.flywheel.proto.recordings.v1.DeleteRecordingsRequest;
import dev.flywheel.proto.recordings.v1.EventOccurrence;
import dev.flywheel.proto.recordings.v1.EventOccurrences;
import dev.flywheel.proto.recordings.v1.GetRecordingRequest;
import dev.flywheel.proto.recordings.v1.GetRecordingSettingsRequest;
import dev.flywheel.proto.recordings.v1.ListRecordingsRequest;
import dev.flywheel.proto.recordings.v1.ListRecordingsResponse;
import dev.flywheel.proto.recordings.v1.PutChunkRequest;
import dev.flywheel.proto.recordings.v1.PutChunkResponse;
import dev.flywheel.proto.recordings.v1.Recording;
import dev.flywheel.proto.recordings.v1.RecordingIngestServiceGrpc;
import dev.flywheel.proto.recordings.v1.RecordingIngestServiceGrpc.RecordingIngestServiceBlockingStub;
import dev.flywheel.proto.recordings.v1.RecordingQueryServiceGrpc;
import dev.flywheel.proto.recordings.v1.RecordingQueryServiceGrpc.RecordingQueryServiceBlockingStub;
import dev.flywheel.proto.recordings.v1.RecordingSettings;
import dev.flywheel.proto.recordings.v1.ReplayChunk;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.testsupport.TestGrpc;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Recording chunks stored once each and summarised, listed with filters and pages, replayed in order, erased with
 * their blobs; and the refusals (garbage, unsafe ids, the wrong keys, another project's session).
 */
@QuarkusTest
class RecordingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BLOBS = Path.of("target", "recordings", "recordings");

    private static RecordingIngestServiceBlockingStub ingest(TestKeys key) {
        return key.on(RecordingIngestServiceGrpc.newBlockingStub(TestGrpc.channel()));
    }

    private static RecordingQueryServiceBlockingStub query(TestKeys key) {
        return key.on(RecordingQueryServiceGrpc.newBlockingStub(TestGrpc.channel()));
    }

    static String chunk(String session, int sequence, String person, long start, String... events) {
        return "{\"sessionId\": \"" + session + "\", \"windowId\": \"window-0001\", \"sequence\": " + sequence
                + ", \"distinctId\": \"" + person + "\", \"context\": {\"variations\": {\"pricing\": \"b\"}}, "
                + "\"events\": [" + String.join(",", events) + "]}";
    }

    static String meta(long at, String href) {
        return "{\"type\": 4, \"timestamp\": " + at + ", \"data\": {\"href\": \"" + href + "\", \"width\": 1280, "
                + "\"height\": 800}}";
    }

    static String snapshot(long at) {
        return "{\"type\": 2, \"timestamp\": " + at + ", \"data\": {\"node\": {\"type\": 0, \"childNodes\": []}, "
                + "\"initialOffset\": {\"top\": 0, \"left\": 0}}}";
    }

    static String click(long at, int x) {
        return "{\"type\": 3, \"timestamp\": " + at + ", \"data\": {\"source\": 2, \"type\": 2, \"id\": 1, \"x\": " + x
                + ", \"y\": 10}}";
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static PutChunkResponse put(TestKeys key, String json) throws IOException {
        return ingest(key).putChunk(PutChunkRequest.newBuilder().setBody(ByteString.copyFrom(gzip(json)))
                .setGzip(true).build());
    }

    static Status.Code refused(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    @Test
    void chunksAreStoredOnceSummarisedAndReplayedInOrder() throws Exception {
        String session = "s-" + UUID.randomUUID().toString().substring(0, 12);
        String person = "p-" + session;
        long t0 = System.currentTimeMillis() - 60_000;
        String first = chunk(session, 0, person, t0, meta(t0, "https://shop.example/"), snapshot(t0 + 1),
                click(t0 + 1_000, 10), click(t0 + 1_200, 12), click(t0 + 1_400, 11));
        String second = chunk(session, 1, person, t0, click(t0 + 9_000, 500),
                meta(t0 + 20_000, "https://shop.example/checkout"));
        assertFalse(put(TestKeys.CLIENT_A, first).getDuplicate());
        // the browser retries a chunk whose answer it did not see: stored and counted once
        PutChunkResponse again = put(TestKeys.CLIENT_A, first);
        assertTrue(again.getDuplicate());
        assertEquals(session, again.getSessionId());
        // uncompressed JSON is taken too, from backends
        assertFalse(ingest(TestKeys.SERVER_A).putChunk(PutChunkRequest.newBuilder()
                .setBody(ByteString.copyFromUtf8(second)).build()).getDuplicate());

        Recording recording = query(TestKeys.ADMIN_A).getRecording(GetRecordingRequest.newBuilder()
                .setEnvironment("production").setSessionId(session).build());
        assertEquals(person, recording.getDistinctId());
        assertEquals(2, recording.getChunks());
        assertEquals(4, recording.getClicks());
        assertEquals(1, recording.getRageClicks());
        assertEquals(20_000, recording.getDurationMs());
        assertEquals(List.of("https://shop.example/", "https://shop.example/checkout"), recording.getPagesList());
        assertEquals("b", recording.getVariationsMap().get("pricing"));
        assertTrue(recording.getReplayable());

        // the replay: every event once, in order, as JSON array elements to join
        Iterator<ReplayChunk> replay = query(TestKeys.ADMIN_A).streamReplay(GetRecordingRequest.newBuilder()
                .setEnvironment("production").setSessionId(session).build());
        List<String> parts = new ArrayList<>();
        replay.forEachRemaining(part -> parts.add(part.getEventsJson().toStringUtf8()));
        assertEquals(2, parts.size());
        JsonNode events = JSON.readTree("[" + String.join(",", parts) + "]");
        assertEquals(7, events.size());
        assertEquals(t0, events.get(0).get("timestamp").asLong());
        assertEquals("https://shop.example/checkout", events.get(6).get("data").get("href").asText());

        // another project's admin finds nothing
        assertEquals(Status.Code.NOT_FOUND, refused(() -> query(TestKeys.ADMIN_B).getRecording(GetRecordingRequest
                .newBuilder().setEnvironment("production").setSessionId(session).build())));
        assertEquals(Status.Code.NOT_FOUND, refused(() -> query(TestKeys.ADMIN_B).streamReplay(GetRecordingRequest
                .newBuilder().setEnvironment("production").setSessionId(session).build()).hasNext()));
    }

    @Test
    void listsFilterAndPageNewestFirst() throws Exception {
        String person = "lister-" + UUID.randomUUID().toString().substring(0, 8);
        long t0 = System.currentTimeMillis() - 3_600_000;
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String session = person + "-session-" + i;
            sessions.add(session);
            long start = t0 + i * 60_000L;
            String events = i == 4
                    ? String.join(",", meta(start, "https://shop.example/pricing"),
                            click(start + 10, 1), click(start + 20, 1), click(start + 30, 1))
                    : String.join(",", meta(start, "https://shop.example/home"), click(start + i * 10_000L, 5));
            put(TestKeys.CLIENT_A, chunk(session, 0, person, start, events));
        }
        ListRecordingsRequest.Builder mine = ListRecordingsRequest.newBuilder().setEnvironment("production")
                .setDistinctId(person);
        ListRecordingsResponse page = query(TestKeys.ADMIN_A).listRecordings(mine.setPageSize(2).build());
        assertEquals(List.of(sessions.get(4), sessions.get(3)), page.getRecordingsList().stream()
                .map(Recording::getSessionId).toList());
        ListRecordingsResponse next = query(TestKeys.ADMIN_A).listRecordings(mine.setPageToken(page
                .getNextPageToken()).build());
        assertEquals(List.of(sessions.get(2), sessions.get(1)), next.getRecordingsList().stream()
                .map(Recording::getSessionId).toList());
        ListRecordingsRequest.Builder all = ListRecordingsRequest.newBuilder().setEnvironment("production")
                .setDistinctId(person);
        assertEquals(1, query(TestKeys.ADMIN_A).listRecordings(all.clone().setHasRageClicks(true).build())
                .getRecordingsCount());
        assertEquals(1, query(TestKeys.ADMIN_A).listRecordings(all.clone().setUrlContains("/pricing").build())
                .getRecordingsCount());
        assertEquals(2, query(TestKeys.ADMIN_A).listRecordings(all.clone().setMinDurationMs(15_000).build())
                .getRecordingsCount());
        assertEquals(5, query(TestKeys.ADMIN_A).listRecordings(all.clone().setVariation("pricing:b").build())
                .getRecordingsCount());
        assertEquals(0, query(TestKeys.ADMIN_A).listRecordings(all.clone().setVariation("pricing:a").build())
                .getRecordingsCount());
        // sessions during which their person performed an event (occurrences the gateway found in the event store)
        ListRecordingsRequest performed = all.clone().setPerformed(EventOccurrences.newBuilder().addOccurrences(
                EventOccurrence.newBuilder().setDistinctId(person).setAt(ProtoValues.timestamp(Instant.ofEpochMilli(
                        t0 + 2 * 60_000L + 5))))
                .addOccurrences(EventOccurrence.newBuilder().setDistinctId("someone")
                        .setAt(ProtoValues.timestamp(Instant.ofEpochMilli(t0)))))
                .build();
        assertEquals(List.of(sessions.get(2)), query(TestKeys.ADMIN_A).listRecordings(performed).getRecordingsList()
                .stream().map(Recording::getSessionId).toList());
        assertEquals(0, query(TestKeys.ADMIN_A).listRecordings(all.clone().setPerformed(EventOccurrences
                .getDefaultInstance()).build()).getRecordingsCount());
        // a server key reads its own environment
        assertEquals(5, query(TestKeys.SERVER_A).listRecordings(all.clone().setEnvironment("").build())
                .getRecordingsCount());

        // a person's erasure takes their recordings and the blobs with them
        assertEquals(5, query(TestKeys.ADMIN_A).deleteRecordings(DeleteRecordingsRequest.newBuilder()
                .setEnvironment("production").setDistinctId(person).build()).getSessionsDeleted());
        assertEquals(0, query(TestKeys.ADMIN_A).listRecordings(all.build()).getRecordingsCount());
        for (String session : sessions) {
            assertFalse(Files.exists(BLOBS.resolve("project-a/production/" + session)), session);
        }
    }

    @Test
    void refusesGarbageUnsafeIdsAndTheWrongKeys() throws Exception {
        long now = System.currentTimeMillis();
        String good = chunk("refusal-session", 0, "p", now, click(now, 1));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> ingest(TestKeys.CLIENT_A).putChunk(PutChunkRequest
                .newBuilder().setBody(ByteString.copyFromUtf8("garbage")).setGzip(true).build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> ingest(TestKeys.CLIENT_A).putChunk(PutChunkRequest
                .newBuilder().setBody(ByteString.copyFromUtf8("{\"events\": 1}")).build())));
        StatusRuntimeException traversal = assertThrows(StatusRuntimeException.class, () -> put(TestKeys.CLIENT_A,
                good.replace("refusal-session", "../../../../etc/x")));
        assertEquals(Status.Code.INVALID_ARGUMENT, traversal.getStatus().getCode());
        assertTrue(traversal.getStatus().getDescription().contains("/sessionId"), traversal.getMessage());
        assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> ingest(TestKeys.CLIENT_A).putChunk(PutChunkRequest
                .newBuilder().setBody(ByteString.copyFrom(new byte[2 << 20])).build())));
        // admin keys watch, they do not record; client keys record, they do not watch
        assertEquals(Status.Code.PERMISSION_DENIED, refused(() -> {
            try {
                put(TestKeys.ADMIN_A, good);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }));
        assertEquals(Status.Code.PERMISSION_DENIED, refused(() -> query(TestKeys.CLIENT_A).listRecordings(
                ListRecordingsRequest.newBuilder().setEnvironment("production").build())));
        assertEquals(Status.Code.PERMISSION_DENIED, refused(() -> query(TestKeys.SERVER_A).deleteRecordings(
                DeleteRecordingsRequest.newBuilder().setEnvironment("production").setDistinctId("p").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> query(TestKeys.ADMIN_A).getRecording(
                GetRecordingRequest.newBuilder().setEnvironment("production").setSessionId("../x").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> query(TestKeys.ADMIN_A).listRecordings(
                ListRecordingsRequest.newBuilder().setEnvironment("production").setPageToken("nonsense").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> query(TestKeys.ADMIN_A).listRecordings(
                ListRecordingsRequest.newBuilder().setEnvironment("production").setPageSize(1_000).build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> query(TestKeys.ADMIN_A).deleteRecordings(
                DeleteRecordingsRequest.newBuilder().setEnvironment("production").build())));
    }

    @Inject
    RecordingRetention retention;

    @Test
    void recordingsPastTheProjectsRetentionAreErasedByTheJob() throws Exception {
        RecordingQueryServiceBlockingStub admin = query(TestKeys.ADMIN_A);
        assertEquals(30, admin.getRecordingSettings(GetRecordingSettingsRequest.getDefaultInstance())
                .getRetentionDays());
        long now = System.currentTimeMillis();
        String old = "retention-old-" + UUID.randomUUID().toString().substring(0, 8);
        String recent = "retention-new-" + UUID.randomUUID().toString().substring(0, 8);
        put(TestKeys.CLIENT_A, chunk(old, 0, "p-old", now, meta(now - 3 * 86_400_000L, "https://shop.example/"),
                snapshot(now - 3 * 86_400_000L + 1)));
        put(TestKeys.CLIENT_A, chunk(recent, 0, "p-new", now, meta(now - 1_000, "https://shop.example/")));
        assertEquals(1, admin.putRecordingSettings(RecordingSettings.newBuilder().setRetentionDays(1).build())
                .getRetentionDays());
        try {
            retention.sweep().await().atMost(java.time.Duration.ofSeconds(30));
            GetRecordingRequest.Builder get = GetRecordingRequest.newBuilder().setEnvironment("production");
            assertEquals(Status.Code.NOT_FOUND, refused(() -> admin.getRecording(get.setSessionId(old).build())));
            assertFalse(Files.exists(BLOBS.resolve("project-a/production/" + old)), "the old session's bytes");
            assertEquals(recent, admin.getRecording(get.setSessionId(recent).build()).getSessionId());
        } finally {
            assertEquals(30, admin.putRecordingSettings(RecordingSettings.newBuilder().setRetentionDays(0).build())
                    .getRetentionDays());
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, refused(() -> admin.putRecordingSettings(RecordingSettings
                .newBuilder().setRetentionDays(5_000).build())));
        assertEquals(Status.Code.PERMISSION_DENIED, refused(() -> query(TestKeys.SERVER_A).putRecordingSettings(
                RecordingSettings.newBuilder().setRetentionDays(7).build())));
    }

    @Inject
    Pool pool;

    @Test
    void surveysAndFeedbackDuringASessionAreLinkedBothWays() throws Exception {
        String session = "linked-" + UUID.randomUUID().toString().substring(0, 8);
        String person = "person-" + session;
        long t0 = System.currentTimeMillis() - 120_000;
        put(TestKeys.CLIENT_A, chunk(session, 0, person, t0, meta(t0, "https://shop.example/"),
                click(t0 + 60_000, 5)));
        UUID submission = UUID.randomUUID();
        UUID feedback = UUID.randomUUID();
        UUID elsewhere = UUID.randomUUID();
        OffsetDateTime during = Instant.ofEpochMilli(t0 + 30_000).atOffset(ZoneOffset.UTC);
        pool.preparedQuery("INSERT INTO survey_submission (project_id, environment, survey_key, submission_id,"
                + " person_key, survey_version, shown_at, updated_at, completed, context)"
                + " VALUES ('project-a', 'production', 'nps', $1, $2, 1, $3, $3, true, '{}')")
                .execute(Tuple.of(submission, "a:" + person, during)).await().indefinitely();
        for (UUID id : List.of(feedback, elsewhere)) {
            pool.preparedQuery("INSERT INTO feedback_item (project_id, environment, feedback_id, person_key, rating,"
                    + " created_at) VALUES ('project-a', 'production', $1, $2, 4, $3)")
                    .execute(Tuple.of(id, "a:" + person, id == feedback ? during : during.minusHours(2)))
                    .await().indefinitely();
        }
        // from the session: what the person answered and left during it
        Recording recording = query(TestKeys.ADMIN_A).getRecording(GetRecordingRequest.newBuilder()
                .setEnvironment("production").setSessionId(session).build());
        assertEquals(1, recording.getSurveysCount());
        assertEquals("nps", recording.getSurveys(0).getSurveyKey());
        assertEquals(submission.toString(), recording.getSurveys(0).getSubmissionId());
        assertTrue(recording.getSurveys(0).getCompleted());
        assertEquals(List.of(feedback.toString()), recording.getFeedbackIdsList());
        // from the answer or the feedback item: its person and time find the session
        ListRecordingsRequest.Builder find = ListRecordingsRequest.newBuilder().setEnvironment("production")
                .setDistinctId(person);
        assertEquals(1, query(TestKeys.ADMIN_A).listRecordings(find.clone().setAt(ProtoValues.timestamp(during
                .toInstant())).build()).getRecordingsCount());
        assertEquals(0, query(TestKeys.ADMIN_A).listRecordings(find.clone().setAt(ProtoValues.timestamp(during
                .minusHours(2).toInstant())).build()).getRecordingsCount());
    }
}
