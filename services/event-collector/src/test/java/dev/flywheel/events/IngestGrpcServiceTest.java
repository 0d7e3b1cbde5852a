package dev.flywheel.events;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.proto.events.v1.DeadLetter;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.IngestBatchRequest;
import dev.flywheel.proto.events.v1.IngestResponse;
import dev.flywheel.proto.events.v1.IngestSegmentRequest;
import dev.flywheel.proto.events.v1.IngestServiceGrpc;
import dev.flywheel.testsupport.ServiceBasicsContract;
import dev.flywheel.testsupport.TestGrpc;
import dev.flywheel.testsupport.TestKeys;
import dev.flywheel.testsupport.TopicReader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class IngestGrpcServiceTest {

    private ManagedChannel channel;
    private IngestServiceGrpc.IngestServiceBlockingStub ingest;

    @BeforeEach
    void connect() {
        channel = TestGrpc.channel();
        ingest = IngestServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void acceptedEventsAreOnKafkaKeyedByProjectAndPerson() throws Exception {
        String project = "p-" + UUID.randomUUID();
        IngestResponse response = as(project).ingestSegment(segment("batch", """
                {"writeKey":"ignored","batch":[
                  {"type":"track","event":"Signed Up","userId":"u-1","messageId":"m-1","properties":{"plan":"pro"}},
                  {"type":"identify","userId":"u-1","anonymousId":"anon-1","messageId":"m-2"},
                  {"type":"page","anonymousId":"anon-2","name":"Pricing","messageId":"m-3"},
                  {"type":"alias","previousId":"anon-3","userId":"u-1","messageId":"m-4"}]}"""));
        assertEquals(4, response.getAccepted());
        List<Event> events = eventsOf(project, 4);
        assertEquals(Set.of("m-1", "m-2", "m-3", "m-4"),
                events.stream().map(Event::getMessageId).collect(Collectors.toSet()));
        Event track = events.stream().filter(e -> e.getType() == EventType.EVENT_TYPE_TRACK).findFirst().orElseThrow();
        assertEquals("pro", track.getProperties().getFieldsOrThrow("plan").getStringValue());
        assertEquals(project, track.getScope().getProjectId());
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(bootstrap(), "flywheel.events.v1",
                r -> r.key().startsWith(project + "/"), 4, Duration.ofSeconds(20));
        assertTrue(records.stream().anyMatch(r -> r.key().equals(project + "/u-1")));
        assertTrue(records.stream().anyMatch(r -> r.key().equals(project + "/anon-2")));
    }

    @Test
    void retriedEventsAreCountedOnce() throws Exception {
        String project = "p-" + UUID.randomUUID();
        String batch = """
                {"batch":[{"type":"track","event":"a","userId":"u","messageId":"same-1"},
                          {"type":"track","event":"a","userId":"u","messageId":"same-1"},
                          {"type":"track","event":"b","userId":"u","messageId":"same-2"}]}""";
        IngestResponse first = as(project).ingestSegment(segment("batch", batch));
        assertEquals(2, first.getAccepted());
        assertEquals(1, first.getDuplicates());
        IngestResponse retry = as(project).ingestSegment(segment("batch", batch));
        assertEquals(0, retry.getAccepted());
        assertEquals(3, retry.getDuplicates());
        // Another project may use the same message ids.
        assertEquals(2, as("p-" + UUID.randomUUID()).ingestSegment(segment("batch", batch)).getAccepted());
        assertEquals(2, TopicReader.read(bootstrap(), "flywheel.events.v1", r -> r.key().startsWith(project + "/"),
                Integer.MAX_VALUE, Duration.ofSeconds(5)).size());
    }

    @Test
    void invalidEventsGoToTheDeadLetterTopicWithTheirReason() throws Exception {
        String project = "p-" + UUID.randomUUID();
        IngestResponse response = as(project).ingestSegment(segment("batch", """
                {"batch":[{"type":"track","event":"ok","userId":"u"},
                          {"type":"track","event":"no id","userId":"undefined"},
                          {"type":"track","userId":"u"}]}"""));
        assertEquals(1, response.getAccepted());
        assertEquals(2, response.getRejected());
        assertEquals(List.of("missing_identity", "missing_event_name"),
                response.getRejectionsList().stream().map(r -> r.getReason()).toList());
        List<ConsumerRecord<String, byte[]>> letters = TopicReader.read(bootstrap(), "flywheel.events.dlq.v1",
                r -> project.equals(r.key()), 2, Duration.ofSeconds(20));
        assertEquals(2, letters.size());
        DeadLetter letter = DeadLetter.parseFrom(letters.get(0).value());
        assertTrue(letter.getPayload().toStringUtf8().contains("\"userId\""));
        ServiceBasicsContract.management().when().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("flywheel_ingest_rejected_total{reason=\"missing_identity\"}"))
                .body(containsString("flywheel_ingest_events_total{outcome=\"rejected\"}"));
    }

    @Test
    void identifyAndAliasLinkIdentitiesFirstLinkWins() throws Exception {
        String project = "p-" + UUID.randomUUID();
        as(project).ingestSegment(segment("batch", """
                {"batch":[{"type":"identify","userId":"alice","anonymousId":"device-1"},
                          {"type":"alias","userId":"alice","previousId":"old-alice"},
                          {"type":"identify","userId":"bob","anonymousId":"device-1"}]}"""));
        assertEquals("alice", linkedUser(project, "device-1"));
        assertEquals("alice", linkedUser(project, "old-alice"));
    }

    @Test
    void malformedRequestsAreInvalidArguments() {
        for (String body : List.of("{", "[]", "{\"batch\": 3}")) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> as("p").ingestSegment(segment("batch", body)));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), body);
        }
    }

    @Test
    void forwardedSegmentCallsNeedTheCallersKeyAndImportsAServerKey() {
        IngestSegmentRequest track = segment("track", "{\"event\":\"x\",\"userId\":\"u\"}");
        StatusRuntimeException anonymous = assertThrows(StatusRuntimeException.class,
                () -> ingest.ingestSegment(track));
        assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> TestKeys.presenting(IngestServiceGrpc.newBlockingStub(channel), "fw_client_nobody")
                        .ingestSegment(track));
        assertEquals(Status.Code.UNAUTHENTICATED, unknown.getStatus().getCode());
        String project = "p-" + UUID.randomUUID();
        IngestSegmentRequest history = segment("import",
                "{\"batch\":[{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\"}]}");
        StatusRuntimeException clientImport = assertThrows(StatusRuntimeException.class,
                () -> as(project).ingestSegment(history));
        assertEquals(Status.Code.PERMISSION_DENIED, clientImport.getStatus().getCode());
        IngestResponse imported = TestKeys.presenting(IngestServiceGrpc.newBlockingStub(channel),
                TestKeys.serverKeyOf(project)).ingestSegment(history);
        assertEquals(1, imported.getAccepted());
    }

    @Test
    void directCallsNeedAKey() {
        IngestBatchRequest request = IngestBatchRequest.newBuilder()
                .addEvents(Event.newBuilder().setType(EventType.EVENT_TYPE_TRACK).setName("x").setUserId("u"))
                .build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ingest.ingestBatch(request));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    }

    /** The collector as a client key of the project: the events belong to the key's project, never to the body's. */
    private IngestServiceGrpc.IngestServiceBlockingStub as(String project) {
        return TestKeys.presenting(IngestServiceGrpc.newBlockingStub(channel), TestKeys.clientKeyOf(project));
    }

    private static IngestSegmentRequest segment(String call, String body) {
        return IngestSegmentRequest.newBuilder()
                .setCall(call)
                .setBody(ByteString.copyFrom(body, StandardCharsets.UTF_8))
                .setClientIp("198.51.100.7")
                .build();
    }

    private static List<Event> eventsOf(String project, int expected) {
        return TopicReader.read(bootstrap(), "flywheel.events.v1", r -> r.key().startsWith(project + "/"), expected,
                Duration.ofSeconds(20)).stream().map(r -> {
                    try {
                        return Event.parseFrom(r.value());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static String linkedUser(String project, String fromId) throws Exception {
        var config = ConfigProvider.getConfig();
        try (Connection connection = DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class), "");
                PreparedStatement query = connection.prepareStatement(
                        "select user_id from event_collector.identity_link where project_id = ? and from_id = ?")) {
            query.setString(1, project);
            query.setString(2, fromId);
            ResultSet rows = query.executeQuery();
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
