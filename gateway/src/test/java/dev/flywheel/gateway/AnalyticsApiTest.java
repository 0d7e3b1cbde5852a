package dev.flywheel.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The gateway's side of analytics: who may query which environment, and which bodies are accepted. The
 * metrics-aggregator is not running here (its port answers nothing), so accepted requests end in 503 with
 * Retry-After; the whole path runs in e2e-tests.
 */
@QuarkusTest
class AnalyticsApiTest {

    String project;
    String adminKey;
    String base;

    @BeforeEach
    void tenant() {
        project = AdminFixtures.project();
        adminKey = AdminFixtures.adminKey(project);
        base = "/api/v1/projects/" + project + "/environments/production/analytics/";
    }

    private static final String TRENDS = """
            {"range": {"from": "2026-03-01", "to": "2026-03-31"}, "interval": "week",
             "metric": {"events": {"event": "Signed Up", "filters": [{"property": "plan", "operator": "equals",
                        "values": ["pro"]}]}, "aggregation": "unique_users"}, "breakdown": "context.campaign.source"}""";

    @Test
    void adminAndServerKeysOfTheEnvironmentMayQuery() {
        given().auth().oauth2(adminKey).contentType("application/json").body(TRENDS)
                .when().post(base + "trends")
                .then().statusCode(503).header("Retry-After", notNullValue()).contentType("application/problem+json");
        given().auth().oauth2(AdminFixtures.key(project, "server", "production")).contentType("application/json")
                .body("{}").when().post(base + "funnel").then().statusCode(503);
        given().auth().oauth2(AdminFixtures.key(project, "server", "staging")).contentType("application/json")
                .body("{}").when().post(base + "funnel").then().statusCode(403)
                .body("detail", containsString("staging"));
        given().auth().oauth2(AdminFixtures.key(project, "client", "production")).contentType("application/json")
                .body("{}").when().post(base + "retention").then().statusCode(403);
        given().auth().oauth2(AdminFixtures.adminKey(AdminFixtures.project())).contentType("application/json")
                .body("{}").when().post(base + "lifecycle").then().statusCode(403);
        given().contentType("application/json").body("{}").when().post(base + "churn").then().statusCode(401);
        given().auth().oauth2(adminKey).contentType("application/json").body("{}")
                .when().post("/api/v1/projects/" + project + "/environments/nowhere/analytics/aarrr")
                .then().statusCode(404);
    }

    @Test
    void bodiesAreCheckedFieldByField() {
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"range\": {\"form\": \"x\"}}")
                .when().post(base + "trends").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("range.form"));
        given().auth().oauth2(adminKey).contentType("application/json")
                .body("{\"metric\": {\"aggregation\": \"median\"}}").when().post(base + "trends")
                .then().statusCode(400).body("detail", containsString("unique_users"));
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"steps\": {}}")
                .when().post(base + "funnel").then().statusCode(400).body("detail", containsString("array"));
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"windowSeconds\": 1.5}")
                .when().post(base + "funnel").then().statusCode(400).body("detail", containsString("whole number"));
        given().auth().oauth2(adminKey).contentType("application/json").body("[1, 2]")
                .when().post(base + "retention").then().statusCode(400);
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"range\": ")
                .when().post(base + "retention").then().statusCode(400);
        String oversized = "{\"breakdown\": \"" + "x".repeat(70_000) + "\"}";
        given().auth().oauth2(adminKey).contentType("application/json").body(oversized)
                .when().post(base + "trends").then().statusCode(413).contentType("application/problem+json");
        given().auth().oauth2(adminKey).contentType("application/json").body(oversized)
                .when().put("/api/v1/projects/" + project + "/experiment-metrics/big").then().statusCode(413);
    }

    @Test
    void valueMapRoutesTakeReaderKeysAndCheckTheirBodies() {
        for (String route : java.util.List.of("paths", "path-people", "funnel-correlation", "retention-correlation",
                "activation-discovery")) {
            given().auth().oauth2(adminKey).contentType("application/json").body("{}").when().post(base + route)
                    .then().statusCode(503);
            given().contentType("application/json").body("{}").when().post(base + route).then().statusCode(401)
                    .contentType("application/problem+json");
            given().auth().oauth2(AdminFixtures.key(project, "client", "production")).contentType("application/json")
                    .body("{}").when().post(base + route).then().statusCode(403);
            given().auth().oauth2(adminKey).contentType("application/json").body("{\"limit\": \"many\"}")
                    .when().post(base + route).then().statusCode(400).contentType("application/problem+json");
            given().auth().oauth2(adminKey).contentType("application/json").body("{\"range\": ")
                    .when().post(base + route).then().statusCode(400).contentType("application/problem+json");
            given().auth().oauth2(adminKey).contentType("application/json").body("{\"x\": \"" + "x".repeat(70_000)
                    + "\"}").when().post(base + route).then().statusCode(413).contentType("application/problem+json");
        }
        given().auth().oauth2(adminKey).contentType("application/json")
                .body("{\"options\": {\"eventProperties\": \"plan\"}}").when().post(base + "funnel-correlation")
                .then().statusCode(400).body("detail", containsString("options.eventProperties"));
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"thresholds\": [1.5]}")
                .when().post(base + "activation-discovery").then().statusCode(400)
                .body("detail", containsString("thresholds"));
    }

    @Test
    void settingsAreForTheProjectsAdminKeys() {
        String settings = "/api/v1/projects/" + project + "/analytics-settings";
        given().auth().oauth2(adminKey).when().get(settings).then().statusCode(503);
        given().auth().oauth2(AdminFixtures.key(project, "server", "production")).when().get(settings)
                .then().statusCode(403);
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"timeZone\": 3}")
                .when().put(settings).then().statusCode(400).body("detail", containsString("timeZone"));
        given().auth().oauth2(adminKey).contentType("application/json").header("If-Match", "\"soon\"")
                .body("{}").when().put(settings).then().statusCode(400);
    }

    @Test
    void experimentAnalysisEndpoints() {
        String metrics = "/api/v1/projects/" + project + "/experiment-metrics";
        String health = "/api/v1/projects/" + project + "/environments/production/experiments/checkout/health";
        given().auth().oauth2(adminKey).when().get(metrics).then().statusCode(503);
        given().auth().oauth2(adminKey).contentType("application/json")
                .body("{\"type\": \"conversion\", \"events\": {\"event\": \"Purchased\"}}")
                .when().put(metrics + "/purchase").then().statusCode(503);
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"key\": \"other\"}")
                .when().put(metrics + "/purchase").then().statusCode(400).body("detail", containsString("key"));
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"type\": \"median\"}")
                .when().put(metrics + "/purchase").then().statusCode(400)
                .body("detail", containsString("conversion"));
        given().auth().oauth2(AdminFixtures.key(project, "server", "production")).when().get(metrics)
                .then().statusCode(403);
        given().auth().oauth2(AdminFixtures.key(project, "server", "production")).when().get(health)
                .then().statusCode(503);
        given().auth().oauth2(AdminFixtures.key(project, "client", "production")).when().get(health)
                .then().statusCode(403);
        given().when().get(health).then().statusCode(401);

        String results = health.replace("/health", "/results");
        String server = AdminFixtures.key(project, "server", "production");
        given().auth().oauth2(server).when().get(results).then().statusCode(503);
        given().auth().oauth2(server).contentType("application/json").body("{\"sequential\": true}")
                .when().post(results).then().statusCode(503);
        given().auth().oauth2(server).contentType("application/json").body("{\"alpha\": \"small\"}")
                .when().post(results).then().statusCode(400).body("detail", containsString("alpha"));
        given().auth().oauth2(server).contentType("application/json").body("{\"correction\": \"bonferroni\"}")
                .when().post(results).then().statusCode(400).body("detail", containsString("correction"));
        given().auth().oauth2(server).contentType("application/json").body("{\"experimentKey\": \"other\"}")
                .when().post(results).then().statusCode(400);
        given().auth().oauth2(AdminFixtures.key(project, "client", "production")).when().get(results)
                .then().statusCode(403);
        given().auth().oauth2(server).contentType("application/json")
                .body("{\"metricKeys\": [\"" + "m".repeat(70_000) + "\"]}").when().post(results)
                .then().statusCode(413);
    }
}
