package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.experiments.v1.AssignRequest;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.restassured.http.ContentType;

/**
 * Surveys through the whole platform: an NPS survey answered by users an experiment assigned over gRPC, results by
 * variation from their real exposures (with the test between variations), never shown twice, the answers in the
 * event pipeline, and the feedback widget with a screenshot.
 */
@ExtendWith(Platform.class)
class FeedbackE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int USERS = 400;

    @Test
    void npsByVariationFromRealExposures() throws Exception {
        String project = Tenants.project("feedback");
        String admin = Tenants.key(project, "admin", null);
        String server = Tenants.key(project, "server", "production");
        String client = Tenants.key(project, "client", "production");
        String base = "/api/v1/projects/" + project + "/environments/production";
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("variations", List.of(Map.of("key", "control", "value", "a"),
                        Map.of("key", "treatment", "value", "b"))))
                .when().put(base + "/experiments/onboarding").then().statusCode(201);
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("status", "running")).when().post(base + "/experiments/onboarding/status")
                .then().statusCode(200);
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON).body("""
                {"name": "NPS", "questions": [
                   {"id": "score", "type": "nps", "text": "How likely are you to recommend us?"},
                   {"id": "why", "type": "open_text", "text": "Why?", "optional": true}]}""")
                .when().put(base + "/surveys/nps").then().statusCode(201).header("ETag", "\"1\"");
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("status", "running")).when().post(base + "/surveys/nps/status").then().statusCode(200);
        // Every survey change is audited: who, when, before and after; only admins read the log.
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).queryParam("key", "nps")
                .when().get(base + "/survey-audit").then().statusCode(200)
                .body("action", contains("started", "created")).body("[1].after.name", equalTo("NPS"))
                .body("[1].before", nullValue()).body("[0].before.status", equalTo("draft"))
                .body("[0].after.status", equalTo("running")).body("[0].actor", startsWith("key:"))
                .body("[0].environment", equalTo("production"));
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(server).when().get(base + "/survey-audit").then()
                .statusCode(403).contentType("application/problem+json");

        Map<String, Integer> variations = assign(server);
        // The treatment's onboarding pleases more: promoters there, passives and detractors in the control.
        Random random = new Random(20261130L);
        long[][] counts = new long[2][11];
        for (Map.Entry<String, Integer> user : variations.entrySet()) {
            JsonNode shown = post(client, "/api/v1/surveys/next", Map.of("person", Map.of("userId", user.getKey()),
                    "url", "https://app.example.com/home", "device", "desktop"));
            assertTrue(shown.get("show").asBoolean(), shown::toString);
            int score = user.getValue() == 1 ? 7 + random.nextInt(4) : 4 + random.nextInt(6);
            counts[user.getValue()][score]++;
            JsonNode answered = post(client, "/api/v1/surveys/nps/answers", Map.of("person", Map.of("userId",
                    user.getKey()), "submissionId", shown.get("submissionId").asText(), "answers",
                    List.of(Map.of(
                            "questionId", "score", "value", score))));
            assertEquals("why", answered.get("nextQuestionId").asText());
        }
        // Never twice.
        String someone = variations.keySet().iterator().next();
        assertFalse(post(client, "/api/v1/surveys/next", Map.of("person", Map.of("userId", someone)))
                .get("show").asBoolean());

        // Results by variation, from the exposures the metrics-aggregator stored.
        JsonNode results = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            var response = given().baseUri(Platform.gatewayUrl()).auth().oauth2(server)
                    .when().get(base + "/surveys/nps/results?breakdown=experiment&by=onboarding");
            if (response.statusCode() == 200) {
                results = JSON.readTree(response.asString());
                JsonNode groups = results.get("questions").get(0).get("groups");
                long grouped = 0;
                for (JsonNode group : groups) {
                    grouped += group.get("score").get("n").asLong();
                }
                if (grouped == USERS) {
                    break;
                }
            }
            Thread.sleep(1000);
        }
        assertNotNull(results);
        JsonNode score = results.get("questions").get(0);
        JsonNode control = score.get("groups").get(0);
        JsonNode treatment = score.get("groups").get(1);
        assertEquals("control", control.get("group").asText(), results::toString);
        assertEquals(sum(counts[0]), control.get("score").get("n").asLong(),
                results::toString);
        assertEquals(nps(counts[0]), control.get("score").get("value").asDouble(), 1e-9);
        assertEquals(nps(counts[1]), treatment.get("score").get("value").asDouble(), 1e-9);
        JsonNode comparison = treatment.get("comparison");
        assertEquals(nps(counts[1]) - nps(counts[0]), comparison.get("difference").asDouble(), 1e-9);
        assertTrue(comparison.get("significant").asBoolean(), comparison::toString);
        assertEquals(USERS, results.get("responded").asLong());

        // The answers reached analytics as events.
        JsonNode trend = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin)
                .contentType(ContentType.JSON).body(Map.of("metric", Map.of("events", Map.of("event",
                        "survey sent"), "aggregation", "total"), "range", Map.of("from",
                                java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString(), "to",
                                java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).toString())))
                .when().post(base + "/analytics/trends").then().statusCode(200).extract().asString());
        assertTrue(trend.toString().contains("\"total\""), trend::toString);

        // The widget, with a screenshot.
        byte[] png = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                + "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        JsonNode sent = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(client)
                .contentType(ContentType.JSON).body(Map.of("person", Map.of("userId", someone), "rating", 4,
                        "comment", "Nice <b>charts</b>", "pageUrl", "https://app.example.com/reports",
                        "selector", "#chart", "screenshotPng", Base64.getEncoder().encodeToString(png)))
                .when().post("/api/v1/feedback").then().statusCode(201).extract().asString());
        String id = sent.get("feedbackId").asText();
        JsonNode wall = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin)
                .when().get(base + "/feedback?limit=5").then().statusCode(200).extract().asString());
        assertEquals(id, wall.get("items").get(0).get("feedbackId").asText());
        assertEquals("Nice <b>charts</b>", wall.get("items").get(0).get("comment").asText());
        byte[] back = given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin)
                .when().get(base + "/feedback/" + id + "/screenshot").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        assertArrayEquals(png, back);
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(client).contentType(ContentType.JSON)
                .body(Map.of("person", Map.of("userId", someone), "rating", 9)).when().post("/api/v1/feedback")
                .then().statusCode(400).contentType("application/problem+json");
    }

    private static long sum(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    private static double nps(long[] counts) {
        long n = sum(counts);
        long promoters = counts[9] + counts[10];
        long detractors = 0;
        for (int s = 0; s <= 6; s++) {
            detractors += counts[s];
        }
        return 100.0 * (promoters - detractors) / n;
    }

    private static JsonNode post(String key, String path, Object body) throws Exception {
        return JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(key).contentType(ContentType.JSON)
                .body(body).when().post(path).then().statusCode(200).extract().asString());
    }

    /** Every user assigned over gRPC; their variation. */
    private static Map<String, Integer> assign(String serverKey) {
        URI grpc = Platform.settings().containsKey("FLYWHEEL_ASSIGNMENT_GRPC_URL")
                ? Platform.serviceUri("ASSIGNMENT_GRPC")
                : URI.create("http://127.0.0.1:9083");
        ManagedChannel channel = ManagedChannelBuilder.forAddress(grpc.getHost(), grpc.getPort()).usePlaintext()
                .build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + serverKey);
            var stub = ExperimentAssignmentServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            Map<String, Integer> out = new HashMap<>();
            List<String> users = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                users.add("respondent-" + u + "-" + Long.toString(System.nanoTime(), 36));
            }
            for (String user : users) {
                var answer = stub.withDeadlineAfter(10, TimeUnit.SECONDS).assign(AssignRequest.newBuilder()
                        .setExperimentKey("onboarding").setAttributes(Struct.newBuilder().putFields("id",
                                Value.newBuilder().setStringValue(user).build()))
                        .build()).getAssignment();
                assertTrue(answer.getInExperiment());
                out.put(user, answer.getVariationIndex());
            }
            return out;
        } finally {
            channel.shutdownNow();
        }
    }
}
