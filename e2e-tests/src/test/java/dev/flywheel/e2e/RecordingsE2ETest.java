package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.specification.RequestSpecification;

/**
 * Session-recording chunks through the gateway with a client key, stored once, listed and replayed with an admin key
 * (the replay a gzip JSON array of the events in order), erased with a person; and the refusals at the edge.
 */
@ExtendWith(Platform.class)
class RecordingsE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static String chunk(String session, int sequence, String person, long at) {
        return "{\"sessionId\": \"" + session + "\", \"windowId\": \"window-0001\", \"sequence\": " + sequence
                + ", \"distinctId\": \"" + person + "\", \"events\": ["
                + "{\"type\": 4, \"timestamp\": " + at + ", \"data\": {\"href\": \"https://shop.example/p" + sequence
                + "\", \"width\": 1280, \"height\": 800}},"
                + "{\"type\": 3, \"timestamp\": " + (at + 500) + ", \"data\": {\"source\": 2, \"type\": 2, \"id\": 1,"
                + " \"x\": 5, \"y\": 5}}]}";
    }

    static RequestSpecification as(String key) {
        return given().baseUri(Platform.gatewayUrl()).auth().oauth2(key);
    }

    @Test
    void chunksGoInOnceAndComeBackAsAReplay() throws Exception {
        String project = Tenants.project("recordings");
        String admin = Tenants.key(project, "admin", null);
        String client = Tenants.key(project, "client", "production");
        String base = "/api/v1/projects/" + project + "/environments/production/recordings";
        String session = "e2e-" + UUID.randomUUID();
        String person = "person-" + session;
        long t0 = System.currentTimeMillis() - 30_000;
        for (int sequence = 0; sequence < 3; sequence++) {
            as(client).header("Content-Encoding", "gzip").contentType("application/json")
                    .body(gzip(chunk(session, sequence, person, t0 + sequence * 10_000L)))
                    .when().post("/api/v1/recordings").then().statusCode(200)
                    .body("sessionId", equalTo(session)).body("duplicate", equalTo(false));
        }
        // a retry of a chunk the browser saw no answer for
        as(client).header("Content-Encoding", "gzip").contentType("application/json")
                .body(gzip(chunk(session, 1, person, t0 + 10_000))).when().post("/api/v1/recordings").then()
                .statusCode(200).body("duplicate", equalTo(true));

        as(admin).queryParam("distinctId", person).when().get(base).then().statusCode(200)
                .body("recordings[0].sessionId", equalTo(session)).body("recordings[0].chunks", equalTo(3))
                .body("recordings[0].clicks", equalTo(3)).body("recordings[0].pages.size()", equalTo(3));
        byte[] replay = as(admin).when().get(base + "/" + session + "/replay").then().statusCode(200)
                .header("Content-Encoding", "gzip").extract().asByteArray();
        // RestAssured leaves a gzip body to the reader when it is asked for raw bytes only if it did not decode it
        JsonNode events = JSON.readTree(replay.length > 1 && replay[0] == 0x1f && replay[1] == (byte) 0x8b
                ? new GZIPInputStream(new ByteArrayInputStream(replay)).readAllBytes()
                : replay);
        assertEquals(6, events.size());
        for (int i = 1; i < events.size(); i++) {
            assertEquals(true, events.get(i).get("timestamp").asLong() >= events.get(i - 1).get("timestamp")
                    .asLong(), "events in order");
        }

        // the sessions during which their person performed an event (the event store says who did what when)
        String batch = "{\"batch\": [{\"type\": \"track\", \"event\": \"Checkout Started\", \"userId\": \"" + person
                + "\", \"timestamp\": \"" + java.time.Instant.ofEpochMilli(t0 + 5_000) + "\"}]}";
        given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(client, "").contentType("application/json")
                .body(batch).when().post("/v1/batch").then().statusCode(200);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        JsonNode withEvent;
        do {
            Thread.sleep(500);
            withEvent = JSON.readTree(as(admin).queryParam("event", "Checkout Started").when().get(base).then()
                    .statusCode(200).extract().asString());
        } while (withEvent.path("recordings").size() == 0 && System.nanoTime() < deadline);
        assertEquals(1, withEvent.path("recordings").size(), withEvent.toString());
        assertEquals(session, withEvent.path("recordings").get(0).get("sessionId").asText());
        as(admin).queryParam("event", "Never Happened").when().get(base).then().statusCode(200)
                .body("recordings.size()", equalTo(0));
        as(admin).urlEncodingEnabled(false).when().get(base + "?event=%20").then().statusCode(400);

        // the edge's refusals
        as(client).when().get(base).then().statusCode(403);
        as(admin).contentType("application/json").body(chunk(session, 9, person, t0)).when()
                .post("/api/v1/recordings").then().statusCode(403);
        as(client).header("Content-Encoding", "gzip").contentType("application/json").body("not gzip".getBytes())
                .when().post("/api/v1/recordings").then().statusCode(400)
                .contentType(containsString("application/problem+json"));
        as(client).contentType("application/json").body(chunk("../../../etc/passwd", 0, person, t0)).when()
                .post("/api/v1/recordings").then().statusCode(400).body("detail", containsString("sessionId"));
        as(client).contentType("application/json").body(new byte[2 << 20]).when().post("/api/v1/recordings")
                .then().statusCode(413);
        as(client).header("Content-Encoding", "br").contentType("application/json").body("{}").when()
                .post("/api/v1/recordings").then().statusCode(415);
        as(admin).when().get(base + "/unknown-session-id").then().statusCode(404);
        as(admin).when().get(base + "/unknown-session-id/replay").then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        as(admin).when().get(base + "?limit=abc").then().statusCode(400);
        as(admin).when().delete(base).then().statusCode(400);

        // heatmaps refuse what they cannot answer, and client keys
        String heatmaps = "/api/v1/projects/" + project + "/environments/production/heatmaps";
        as(admin).queryParam("url", "https://shop.example/p0").when().get(heatmaps).then().statusCode(200)
                .body("total", equalTo(0));
        as(admin).when().get(heatmaps).then().statusCode(400);
        as(admin).queryParam("url", "/relative").when().get(heatmaps).then().statusCode(400);
        as(admin).queryParam("url", "https://shop.example/").queryParam("kind", "hover").when().get(heatmaps)
                .then().statusCode(400);
        as(admin).queryParam("url", "https://shop.example/").queryParam("columns", "many").when().get(heatmaps)
                .then().statusCode(400);
        as(admin).queryParam("url", "https://shop.example/").queryParam("columns", "100000").when().get(heatmaps)
                .then().statusCode(400);
        as(admin).queryParam("url", "https://shop.example/").queryParam("match", "regex").when()
                .get(heatmaps + "/scroll").then().statusCode(400);
        as(admin).queryParam("url", "x".repeat(3000)).when().get(heatmaps).then().statusCode(400);
        as(client).queryParam("url", "https://shop.example/").when().get(heatmaps).then().statusCode(403);
        given().baseUri(Platform.gatewayUrl()).queryParam("url", "https://shop.example/").when().get(heatmaps)
                .then().statusCode(401);

        // how long the project keeps recordings
        String settings = "/api/v1/projects/" + project + "/recording-settings";
        as(admin).when().get(settings).then().statusCode(200).body("retentionDays", equalTo(30));
        as(admin).contentType("application/json").body("{\"retentionDays\": 7}").when().put(settings).then()
                .statusCode(200).body("retentionDays", equalTo(7));
        as(admin).contentType("application/json").body("{\"retentionDays\": 99999}").when().put(settings).then()
                .statusCode(400);
        as(admin).contentType("application/json").body("{\"retentionDays\": \"long\"}").when().put(settings)
                .then().statusCode(400);
        as(client).when().get(settings).then().statusCode(403);
        as(admin).contentType("application/json").body("{\"retentionDays\": 0}").when().put(settings).then()
                .statusCode(200).body("retentionDays", equalTo(30));

        // a person's erasure takes their recordings
        as(admin).queryParam("distinctId", person).when().delete(base).then().statusCode(200)
                .body("sessionsDeleted", equalTo(1));
        as(admin).when().get(base + "/" + session).then().statusCode(404);
    }
}
