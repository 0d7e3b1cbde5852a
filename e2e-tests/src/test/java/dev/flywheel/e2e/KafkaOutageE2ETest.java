package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.flywheel.proto.events.v1.Event;

/**
 * Kafka stops while clients send: the platform answers 503 (clients retry) and never acknowledges what it could
 * not make durable; everything it did acknowledge is on the topic after Kafka returns. Assignment keeps answering,
 * and an exposure Kafka refused is sent on the user's next assignment (ADR 0004).
 */
@ExtendWith(Platform.class)
class KafkaOutageE2ETest {

    @Test
    void acknowledgedEventsSurviveAnOutageAndNothingIsAcknowledgedDuringIt() throws Exception {
        Assumptions.assumeTrue(Platform.launchedLocally(), "needs a platform this test may stop and start");
        String project = Tenants.project("outage");
        String key = Tenants.key(project, "client", "production");
        String run = UUID.randomUUID().toString();
        Set<String> acknowledged = new HashSet<>();
        int sent = 0;

        for (; sent < 20; sent++) {
            assertEquals(200, send(key, run + "-" + sent));
            acknowledged.add(run + "-" + sent);
        }

        assertEquals(0, Platform.flywheel(Duration.ofMinutes(1), "stop", "kafka"));
        int refused = 0;
        try {
            for (int attempt = 0; attempt < 3; attempt++, sent++) {
                int status = send(key, run + "-" + sent);
                if (status == 200) {
                    acknowledged.add(run + "-" + sent);
                } else {
                    assertEquals(503, status, "a retryable answer while Kafka is down");
                    refused++;
                }
            }
        } finally {
            assertEquals(0, Platform.flywheel(Duration.ofMinutes(3), "up"));
        }
        assertTrue(refused > 0, "requests while Kafka was down must not be acknowledged");

        // Clients retry until the platform recovers.
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int recovered = 0;
        while (recovered < 10 && System.nanoTime() < deadline) {
            String id = run + "-" + sent++;
            if (send(key, id) == 200) {
                acknowledged.add(id);
                recovered++;
            } else {
                Thread.sleep(500);
            }
        }
        assertEquals(10, recovered, "ingestion resumes after Kafka returns");

        List<Event> landed = KafkaEvents.events(project, e -> e.getMessageId().startsWith(run), acknowledged.size(),
                Duration.ofSeconds(60));
        Set<String> landedIds = new HashSet<>();
        landed.forEach(e -> landedIds.add(e.getMessageId()));
        assertTrue(landedIds.containsAll(acknowledged), "acknowledged but missing: "
                + acknowledged.stream().filter(id -> !landedIds.contains(id)).toList());
    }

    @Test
    void anExposureKafkaRefusedIsSentOnTheUsersNextAssignment() throws Exception {
        Assumptions.assumeTrue(Platform.launchedLocally(), "needs a platform this test may stop and start");
        String project = Tenants.project("exposure-outage");
        String admin = Tenants.key(project, "admin", null);
        String client = Tenants.key(project, "client", "production");
        String experiments = "/api/v1/projects/" + project + "/environments/production/experiments/outage-test";
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType("application/json")
                .body("{\"variations\": [{\"key\": \"a\"}, {\"key\": \"b\"}]}")
                .when().put(experiments).then().statusCode(201);
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType("application/json")
                .body("{\"status\": \"running\"}").when().post(experiments + "/status").then().statusCode(200);

        assertEquals(0, Platform.flywheel(Duration.ofMinutes(1), "stop", "kafka"));
        String variation;
        try {
            // assignment does not depend on Kafka: the user is served while the exposure cannot be sent
            variation = assign(client);
            // the producer gives up after its delivery timeout (15 s) and the claim is released
            Thread.sleep(Duration.ofSeconds(20).toMillis());
            assertEquals(variation, assign(client), "the same variation while Kafka is down");
        } finally {
            assertEquals(0, Platform.flywheel(Duration.ofMinutes(3), "up"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<Event> exposures = List.of();
        while (exposures.isEmpty() && System.nanoTime() < deadline) {
            assertEquals(variation, assign(client));
            exposures = KafkaEvents.events(project, e -> e.getName().equals("$exposure"), 1, Duration.ofSeconds(2));
        }
        assertEquals(1, exposures.size(), "the exposure is sent once Kafka is back");
        assertEquals(variation, exposures.get(0).getProperties().getFieldsOrThrow("variation_key").getStringValue());
        assign(client);
        assertEquals(1, KafkaEvents.allEvents(project, e -> e.getName().equals("$exposure"), Duration.ofSeconds(3))
                .size(), "and only once");
    }

    private static String assign(String clientKey) {
        return given().baseUri(Platform.gatewayUrl()).auth().oauth2(clientKey).contentType("application/json")
                .body("{\"attributes\": {\"id\": \"outage-user\"}}")
                .when().post("/api/v1/assign/outage-test")
                .then().statusCode(200).extract().path("variationKey");
    }

    private static int send(String key, String messageId) {
        return given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(key, "")
                .contentType("application/json")
                .body("{\"userId\":\"u\",\"event\":\"During Outage\",\"messageId\":\"" + messageId + "\"}")
                .when().post("/v1/track").statusCode();
    }
}
