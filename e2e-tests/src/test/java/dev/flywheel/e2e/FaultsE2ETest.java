package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Failure drills on a platform of their own ({@link FaultPlatform}: private PostgreSQL and Redis), under a steady
 * stream of events from a retrying Segment-style client: each service killed with SIGKILL in turn, Kafka stopped,
 * Redis stopped, PostgreSQL stopped, each brought back. Readiness must say what each service can serve, requests
 * must degrade or fail fast as ADR 0009 says, the first request after recovery must succeed, and in the end every
 * acknowledged event must be stored exactly once. Prints each recovery time (bench/RESULTS.md).
 */
@ExtendWith(Platform.class)
class FaultsE2ETest {

    private static final List<String> SERVICES = List.of("event-collector", "feature-flags",
            "experiment-assignment", "metrics-aggregator", "feedback", "gateway");
    private static final Map<String, Duration> recoveries = new LinkedHashMap<>();

    private static FaultPlatform platform;
    private static String project;
    private static String admin;
    private static String client;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Platform.launchedLocally(), "drills need this checkout's launcher");
        platform = FaultPlatform.start();
        String organisation = operator().body(Map.of("name", "drills-" + UUID.randomUUID()))
                .when().post("/api/v1/organisations").then().statusCode(201).extract().path("id");
        project = operator().body(Map.of("organisationId", organisation, "name", "drills",
                "rateLimit", Map.of("perSecond", 10_000, "burst", 10_000)))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("id");
        admin = operator().body(Map.of("kind", "admin")).when().post("/api/v1/projects/" + project + "/keys")
                .then().statusCode(201).extract().path("key");
        client = operator().body(Map.of("kind", "client", "environment", "production"))
                .when().post("/api/v1/projects/" + project + "/keys").then().statusCode(201).extract().path("key");
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.println("drill recoveries: " + recoveries);
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void nothingAcknowledgedIsLostOrDuplicatedThroughEveryOutage() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SegmentLoad load = new SegmentLoad(platform.gatewayUrl(), client, run);
        try {
            awaitAcknowledged(load, 100);
            for (String service : SERVICES) {
                killAndRecover(load, service);
            }
            kafkaOutage(load);
            redisOutage(load);
            postgresOutage(load);
            awaitAcknowledged(load, load.acknowledgedCount() + 100);
        } finally {
            load.close();
        }
        Set<String> acknowledged = load.acknowledged();
        System.out.println("drill load: " + acknowledged.size() + " events acknowledged, responses "
                + load.outcomes() + ", slowest " + load.slowestMillis() + " ms");
        Duration caughtUp = FaultPlatform.await(() -> stored(run).size() >= acknowledged.size(),
                Duration.ofMinutes(3), "the event store did not catch up");
        System.out.println("drill store caught up " + caughtUp.toMillis() + " ms after the load stopped");
        Thread.sleep(3_000); // anything delivered twice has arrived by now
        List<String> stored = stored(run);
        Set<String> distinct = new HashSet<>(stored);
        assertEquals(distinct.size(), stored.size(), "events stored twice");
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(distinct);
        assertTrue(lost.isEmpty(), lost.size() + " acknowledged events were never stored, e.g. "
                + lost.stream().limit(5).toList());
    }

    /**
     * SIGKILL, then ./flywheel up: the first request after it reports ready must succeed. feature-flags stays down for
     * 40 s while the gateway keeps calling it, long enough for a gRPC channel's backoff to outlast the outage.
     */
    private void killAndRecover(SegmentLoad load, String service) throws Exception {
        platform.kill(service);
        if (service.equals("feature-flags")) {
            for (int i = 0; i < 40; i++) {
                firstRequestTo(service);
                Thread.sleep(1_000);
            }
        }
        if (!service.equals("gateway")) {
            for (String other : SERVICES) {
                if (!other.equals(service)) {
                    assertTrue(ready(other), other + " stopped being ready when " + service + " died");
                }
            }
        }
        Thread.sleep(1_000);
        Instant started = Instant.now();
        platform.up();
        assertEquals(200, firstRequestTo(service), "the first request to " + service + " after ./flywheel up");
        recoveries.put("kill -9 " + service, Duration.between(started, Instant.now()));
        awaitAcknowledged(load, load.acknowledgedCount() + 20);
    }

    private void kafkaOutage(SegmentLoad load) throws Exception {
        platform.stop("kafka");
        FaultPlatform.await(() -> !ready("event-collector"), Duration.ofSeconds(5),
                "the event-collector stayed ready without Kafka");
        for (String other : List.of("gateway", "feature-flags", "experiment-assignment", "metrics-aggregator",
                "feedback")) {
            assertTrue(ready(other), other + " stopped being ready without Kafka");
        }
        Instant asked = Instant.now();
        Response refused = events().body("{\"event\": \"x\", \"userId\": \"u\"}").post("/v1/track");
        long millis = Duration.between(asked, Instant.now()).toMillis();
        assertEquals(503, refused.statusCode(), refused.asString());
        assertTrue(refused.header("Retry-After") != null, "no Retry-After");
        assertTrue(millis < 2_000, "the collector took " + millis + " ms to refuse without Kafka");
        assertEquals(200, assign().statusCode(), "assignment needs no Kafka (exposures wait)");
        Instant started = Instant.now();
        platform.up();
        FaultPlatform.await(() -> ready("event-collector"), Duration.ofSeconds(30), "no readiness after Kafka");
        assertEquals(200, ingest().statusCode(), "the first event after Kafka is back");
        recoveries.put("Kafka", Duration.between(started, Instant.now()));
        awaitAcknowledged(load, load.acknowledgedCount() + 20);
    }

    private void redisOutage(SegmentLoad load) throws Exception {
        platform.stopRedis();
        Thread.sleep(2_000);
        for (String service : SERVICES) {
            assertTrue(ready(service), service + " stopped being ready without Redis");
        }
        // degraded, not refused: events accepted (the event store dedupes), users assigned by the hash alone
        assertEquals(200, ingest().statusCode(), "ingest without Redis");
        assertEquals(200, assign().statusCode(), "assignment without Redis");
        assertEquals(200, given().baseUri(platform.gatewayUrl()).auth().oauth2(admin).get("/api/v1/whoami")
                .statusCode(), "keys without Redis");
        awaitAcknowledged(load, load.acknowledgedCount() + 20);
        Instant started = Instant.now();
        platform.startRedis();
        FaultPlatform.await(() -> assign().statusCode() == 200, Duration.ofSeconds(30), "no recovery after Redis");
        recoveries.put("Redis", Duration.between(started, Instant.now()));
    }

    private void postgresOutage(SegmentLoad load) throws Exception {
        platform.stopPostgres();
        FaultPlatform.await(() -> !ready("metrics-aggregator") && !ready("feedback"), Duration.ofSeconds(5),
                "services that cannot serve without PostgreSQL stayed ready");
        for (String service : List.of("gateway", "event-collector", "feature-flags", "experiment-assignment")) {
            assertTrue(ready(service), service + " stopped being ready without PostgreSQL");
        }
        Response write = admin().body("{\"state\": \"ENABLED\", \"variants\": {\"on\": true, \"off\": false},"
                + " \"defaultVariant\": \"on\"}").put("/api/v1/projects/" + project
                        + "/environments/production/flags/drill");
        assertEquals(503, write.statusCode(), write.asString());
        assertTrue(write.header("Retry-After") != null, "no Retry-After on a write without PostgreSQL");
        Response query = trends();
        assertEquals(503, query.statusCode(), query.asString());
        assertTrue(query.header("Retry-After") != null, "no Retry-After on a query without PostgreSQL");
        Instant started = Instant.now();
        platform.startPostgres();
        FaultPlatform.await(() -> ready("metrics-aggregator") && ready("feedback"), Duration.ofSeconds(30),
                "no readiness after PostgreSQL");
        FaultPlatform.await(() -> trends().statusCode() == 200, Duration.ofSeconds(30),
                "no analytics after PostgreSQL");
        recoveries.put("PostgreSQL", Duration.between(started, Instant.now()));
        awaitAcknowledged(load, load.acknowledgedCount() + 20);
    }

    // ------------------------------------------------------------------ requests

    private int firstRequestTo(String service) {
        return switch (service) {
            case "gateway", "event-collector" -> ingest().statusCode();
            case "feature-flags" -> events().body("{\"context\": {\"targetingKey\": \"u\"}}")
                    .post("/ofrep/v1/evaluate/flags").statusCode();
            case "experiment-assignment" -> assign().statusCode();
            case "metrics-aggregator" -> trends().statusCode();
            case "feedback" -> events().body("{\"person\": {\"anonymousId\": \"a\"}}").post("/api/v1/surveys/next")
                    .statusCode();
            default -> throw new IllegalArgumentException(service);
        };
    }

    private static Response ingest() {
        return events().body("{\"event\": \"Probe\", \"userId\": \"probe\"}").post("/v1/track");
    }

    private static Response assign() {
        return events().body("{\"attributes\": {\"id\": \"u1\"}}").post("/api/v1/assign");
    }

    private static Response trends() {
        LocalDate today = LocalDate.now();
        return admin().body("{\"metric\": {\"events\": {\"event\": \"Drill\"}}, \"range\": {\"from\": \""
                + today.minusDays(1) + "\", \"to\": \"" + today.plusDays(1) + "\"}}")
                .post("/api/v1/projects/" + project + "/environments/production/analytics/trends");
    }

    private static RequestSpecification events() {
        return given().baseUri(platform.gatewayUrl()).auth().oauth2(client).contentType(ContentType.JSON);
    }

    private static RequestSpecification admin() {
        return given().baseUri(platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON);
    }

    private static RequestSpecification operator() {
        return given().baseUri(platform.gatewayUrl()).auth().oauth2(platform.bootstrapKey())
                .contentType(ContentType.JSON);
    }

    private static boolean ready(String component) {
        try {
            return given().baseUri(platform.managementUrl(component)).get("/q/health/ready").statusCode() == 200;
        } catch (Exception down) {
            return false;
        }
    }

    private static void awaitAcknowledged(SegmentLoad load, int count) throws Exception {
        FaultPlatform.await(() -> load.acknowledgedCount() >= count, Duration.ofSeconds(60),
                "the load made no progress (acknowledged " + load.acknowledgedCount() + ", " + load.outcomes() + ")");
    }

    /** Every stored message id of this run, with repeats. */
    private static List<String> stored(String run) throws Exception {
        try (Connection connection = DriverManager.getConnection(platform.jdbcUrl(), "postgres", "");
                PreparedStatement query = connection.prepareStatement("SELECT message_id FROM "
                        + "metrics_aggregator.event WHERE project_id = ? AND message_id LIKE ?")) {
            query.setString(1, project);
            query.setString(2, run + "-%");
            ResultSet rows = query.executeQuery();
            List<String> ids = new java.util.ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        }
    }
}
