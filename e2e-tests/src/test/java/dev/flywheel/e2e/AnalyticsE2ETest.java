package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * Events sent with the Segment API reach the analytics queries through the whole pipeline (gateway, collector,
 * Kafka, metrics-aggregator); killing the aggregator while events flow loses and duplicates nothing.
 */
@ExtendWith(Platform.class)
class AnalyticsE2ETest {

    private static String project;
    private static String clientKey;
    private static String adminKey;

    @BeforeAll
    static void tenant() {
        project = Tenants.project("analytics");
        clientKey = Tenants.key(project, "client", "production");
        adminKey = Tenants.key(project, "admin", null);
    }

    private static RequestSpecification client() {
        return given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(clientKey, "")
                .contentType("application/json");
    }

    private static JsonPath query(String name, String body) {
        return given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).contentType("application/json")
                .body(body).when().post("/api/v1/projects/" + project + "/environments/production/analytics/" + name)
                .then().statusCode(200).extract().jsonPath();
    }

    /** Yesterday and today (UTC): where events sent now fall, whatever the time of day. */
    private static String range() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return "{\"from\": \"" + today.minusDays(1) + "\", \"to\": \"" + today.plusDays(1) + "\"}";
    }

    private static <T> T awaitValue(Supplier<T> read, T expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = read.get();
        while (!expected.equals(last) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            last = read.get();
        }
        return last;
    }

    @Test
    void aFunnelFollowsAVisitorThroughIdentify() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now().minusSeconds(120);
        String batch = """
                {"batch": [
                  {"type": "track", "event": "Viewed Pricing %1$s", "anonymousId": "anon-%1$s", "timestamp": "%2$s"},
                  {"type": "identify", "anonymousId": "anon-%1$s", "userId": "user-%1$s", "traits": {"plan": "pro"},
                   "timestamp": "%3$s"},
                  {"type": "track", "event": "Signed Up %1$s", "userId": "user-%1$s", "timestamp": "%4$s"},
                  {"type": "track", "event": "Viewed Pricing %1$s", "userId": "other-%1$s", "timestamp": "%2$s"}
                ]}""".formatted(run, now, now.plusSeconds(10), now.plusSeconds(20));
        client().body(batch).when().post("/v1/batch").then().statusCode(200);
        String funnel = """
                {"steps": [{"event": "Viewed Pricing %s"}, {"event": "Signed Up %s"}], "range": %s,
                 "breakdown": "person.plan"}""".formatted(run, run, range());
        List<Integer> counts = awaitValue(() -> {
            List<Integer> total = new ArrayList<>(List.of(0, 0));
            for (Map<String, Object> group : query("funnel", funnel).<Map<String, Object>>getList("groups")) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> steps = (List<Map<String, Object>>) group.get("steps");
                total.set(0, total.get(0) + ((Number) steps.get(0).get("count")).intValue());
                total.set(1, total.get(1) + ((Number) steps.get(1).get("count")).intValue());
            }
            return total;
        }, List.of(2, 1), Duration.ofSeconds(60));
        assertEquals(List.of(2, 1), counts, "the anonymous view and the identified sign-up are one person");
        JsonPath byPlan = query("funnel", funnel);
        assertEquals("pro", byPlan.getString("groups.find { it.steps[1].count == 1 }.breakdown"));
    }

    @Test
    void killingTheAggregatorWhileEventsFlowLosesAndDuplicatesNothing() throws Exception {
        Assumptions.assumeTrue(Platform.launchedLocally(), "needs a platform this test may kill and restart");
        String run = UUID.randomUUID().toString().substring(0, 8);
        int batches = 30;
        int perBatch = 500;
        int users = 1000;
        String event = "Clicked " + run;
        Instant now = Instant.now().minusSeconds(60);
        for (int b = 0; b < batches; b++) {
            if (b == 10) {
                assertEquals(0, Platform.flywheel(Duration.ofMinutes(1), "kill", "metrics-aggregator"));
            }
            StringBuilder body = new StringBuilder("{\"batch\": [");
            for (int i = 0; i < perBatch; i++) {
                int n = b * perBatch + i;
                body.append(i == 0 ? "" : ",").append("{\"type\": \"track\", \"event\": \"").append(event)
                        .append("\", \"userId\": \"u").append(n % users).append("-").append(run)
                        .append("\", \"messageId\": \"").append(run).append("-").append(n)
                        .append("\", \"properties\": {\"run\": \"").append(run).append("\"}, \"timestamp\": \"")
                        .append(now.plusMillis(n)).append("\"}");
            }
            client().body(body.append("]}").toString()).when().post("/v1/batch").then().statusCode(200);
        }
        assertEquals(0, Platform.flywheel(Duration.ofMinutes(3), "up"));

        int expected = batches * perBatch;
        String rollup = "{\"metric\": {\"events\": {\"event\": \"%s\"}}, \"range\": %s}".formatted(event, range());
        String raw = ("{\"metric\": {\"events\": {\"event\": \"%s\", \"filters\": [{\"property\": \"run\","
                + " \"values\": [\"%s\"]}]}}, \"range\": %s}").formatted(event, run, range());
        String people = "{\"metric\": {\"events\": {\"event\": \"%s\"}, \"aggregation\": \"unique_users\"}, \"interval\": \"month\","
                + " \"range\": %s}";
        double counted = awaitValue(() -> query("trends", rollup).getDouble("series[0].total"), (double) expected,
                Duration.ofMinutes(2));
        assertEquals(expected, counted, 0.0);
        Thread.sleep(3_000); // anything redelivered after the restart has been read by now
        assertEquals(expected, query("trends", rollup).getDouble("series[0].total"), 0.0);
        assertEquals(expected, query("trends", raw).getDouble("series[0].total"), 0.0);
        assertEquals(users, query("trends", people.formatted(event, range())).getDouble("series[0].total"), 0.0);
    }
}
