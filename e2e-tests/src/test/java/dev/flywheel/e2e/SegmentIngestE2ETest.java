package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.flywheel.proto.events.v1.DeadLetter;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.TimestampAdjustment;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The Segment-compatible HTTP API end to end: gateway, collector, Kafka. */
@ExtendWith(Platform.class)
class SegmentIngestE2ETest {

    private static String project;
    private static String clientKey;

    @BeforeAll
    static void project() {
        project = Tenants.project("ingest");
        clientKey = Tenants.key(project, "client", "production");
    }

    private static RequestSpecification client() {
        return given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(clientKey, "")
                .contentType("application/json");
    }

    @Test
    void everyCallTypeLandsOnKafkaOnceEvenWhenRetried() {
        String run = UUID.randomUUID().toString();
        String[][] singles = {
                {"track", "{\"userId\":\"u\",\"event\":\"Signed Up\",\"messageId\":\"" + run + "-1\"}"},
                {"identify/", "{\"userId\":\"u\",\"anonymousId\":\"a\",\"messageId\":\"" + run + "-2\"}"},
                {"p", "{\"anonymousId\":\"a\",\"name\":\"Pricing\",\"messageId\":\"" + run + "-3\"}"},
                {"screen", "{\"userId\":\"u\",\"name\":\"Home\",\"messageId\":\"" + run + "-4\"}"},
                {"g", "{\"userId\":\"u\",\"groupId\":\"acme\",\"messageId\":\"" + run + "-5\"}"},
                {"alias", "{\"userId\":\"u\",\"previousId\":\"a\",\"messageId\":\"" + run + "-6\"}"}};
        for (String[] call : singles) {
            client().body(call[1]).when().post("/v1/" + call[0])
                    .then().statusCode(200).body("success", equalTo(true)).body("accepted", equalTo(1));
        }
        String batch = "{\"batch\":[{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u\",\"messageId\":\"" + run
                + "-7\"},{\"type\":\"track\",\"event\":\"B\",\"userId\":\"u\",\"messageId\":\"" + run + "-8\"}]}";
        client().body(batch).when().post("/v1/b").then().statusCode(200).body("accepted", equalTo(2));
        // The client did not see the answer and retries: acknowledged, not written again.
        client().body(batch).when().post("/v1/batch")
                .then().statusCode(200).body("accepted", equalTo(0)).body("duplicates", equalTo(2));

        List<Event> landed = KafkaEvents.allEvents(project, e -> e.getMessageId().startsWith(run),
                Duration.ofSeconds(8));
        assertEquals(8, landed.size());
        assertEquals(8, landed.stream().map(Event::getMessageId).distinct().count());
        assertTrue(landed.stream().allMatch(e -> e.getScope().getProjectId().equals(project)
                && e.getScope().getEnvironment().equals("production")));
        assertEquals(Set.of(EventType.EVENT_TYPE_TRACK, EventType.EVENT_TYPE_IDENTIFY, EventType.EVENT_TYPE_PAGE,
                EventType.EVENT_TYPE_SCREEN, EventType.EVENT_TYPE_GROUP, EventType.EVENT_TYPE_ALIAS),
                landed.stream().map(Event::getType).collect(Collectors.toSet()));
    }

    @Test
    void gzipAndBrowserContentTypesAreAccepted() throws Exception {
        String run = UUID.randomUUID().toString();
        // rudder-sdk-node's shape: a gzipped JSON body labelled as a form.
        client().config(RestAssuredConfig.config().encoderConfig(EncoderConfig.encoderConfig()
                .encodeContentTypeAs("application/x-www-form-urlencoded", ContentType.BINARY)))
                .header("Content-Encoding", "gzip").contentType("application/x-www-form-urlencoded")
                .body(gzip("{\"batch\":[{\"type\":\"track\",\"event\":\"Z\",\"userId\":\"u\",\"messageId\":\"" + run
                        + "\"}]}"))
                .when().post("/v1/batch").then().statusCode(200).body("accepted", equalTo(1));
        given().baseUri(Platform.gatewayUrl()).contentType("text/plain")
                .body("{\"writeKey\":\"" + clientKey + "\",\"userId\":\"u\",\"event\":\"T\",\"messageId\":\"" + run
                        + "-t\"}")
                .when().post("/v1/t").then().statusCode(200).body("accepted", equalTo(1));
        assertEquals(2, KafkaEvents.events(project, e -> e.getMessageId().startsWith(run), 2,
                Duration.ofSeconds(20)).size());
    }

    @Test
    void malformedAndOversizeRequestsAreBadRequests() throws Exception {
        for (String body : List.of("{", "not json", "[]", "{\"batch\": {}}")) {
            client().body(body).when().post("/v1/batch")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        String tooMany = "{\"batch\":[" + String.join(",", Collections.nCopies(2501,
                "{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\"}")) + "]}";
        client().body(tooMany).when().post("/v1/batch")
                .then().statusCode(400).body("detail", containsString("too_many_events"));
        client().header("Content-Encoding", "gzip").body("garbage".getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/batch").then().statusCode(400);
    }

    @Test
    void invalidEventsInAValidBatchAreDeadLetteredNotDropped() {
        String run = UUID.randomUUID().toString();
        String future = Instant.now().plus(Duration.ofDays(3)).toString();
        client().body("{\"batch\":["
                + "{\"type\":\"track\",\"event\":\"ok\",\"userId\":\"u\",\"messageId\":\"" + run + "-ok\"},"
                + "{\"type\":\"track\",\"event\":\"junk\",\"userId\":\"undefined\",\"messageId\":\"" + run + "-junk\"},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"messageId\":\"" + run + "-noname\"},"
                + "{\"type\":\"track\",\"event\":\"types\",\"userId\":{\"id\":1},\"messageId\":\"" + run + "-types\"},"
                + "{\"type\":\"identify\",\"messageId\":\"" + run + "-noid\"},"
                + "{\"type\":\"track\",\"event\":\"big\",\"userId\":\"u\",\"properties\":{\"x\":\""
                + "y".repeat(40_000) + "\"}},"
                + "{\"type\":\"track\",\"event\":\"later\",\"userId\":\"u\",\"timestamp\":\"" + future
                + "\",\"messageId\":\"" + run + "-future\"}]}")
                .when().post("/v1/batch")
                .then().statusCode(200).body("accepted", equalTo(2)).body("rejected", equalTo(5));
        List<DeadLetter> letters = KafkaEvents.deadLetters(project, 5, Duration.ofSeconds(20));
        assertTrue(letters.stream().map(DeadLetter::getReason).collect(Collectors.toSet()).containsAll(Set.of(
                "missing_identity", "missing_event_name", "invalid_field_type", "event_too_large")));
        Event later = KafkaEvents.events(project, e -> e.getMessageId().equals(run + "-future"), 1,
                Duration.ofSeconds(20)).get(0);
        assertEquals(TimestampAdjustment.TIMESTAMP_ADJUSTMENT_FUTURE_CLAMPED, later.getTimestampAdjustment());
        assertTrue(later.getTimestamp().getSeconds() <= Instant.now().getEpochSecond());
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
