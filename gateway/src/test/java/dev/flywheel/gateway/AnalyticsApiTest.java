package dev.flywheel.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.gateway.analytics.service.AnswerCache;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

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
                "activation-discovery", "funnel-people", "retention-people")) {
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
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"outcome\": \"gone\"}")
                .when().post(base + "funnel-people").then().statusCode(400)
                .body("detail", containsString("converted"));
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

    @Test
    void savedInsightsAndDashboardsAreDefinitionsOfTheProject() {
        String insights = "/api/v1/projects/" + project + "/insights";
        String dashboards = "/api/v1/projects/" + project + "/dashboards";
        String insight = "{\"name\": \"Sign-ups\", \"environment\": \"production\", \"queryJson\": \"{\\\"kind\\\": \\\"trends\\\"}\"}";
        given().auth().oauth2(adminKey).when().get(insights).then().statusCode(503);
        given().auth().oauth2(adminKey).contentType("application/json").body(insight)
                .when().put(insights + "/sign-ups").then().statusCode(503);
        given().auth().oauth2(adminKey).contentType("application/json")
                .body("{\"name\": \"Growth\", \"tiles\": [{\"insightKey\": \"sign-ups\", \"width\": 2}]}")
                .when().put(dashboards + "/growth").then().statusCode(503);
        given().auth().oauth2(adminKey).when().get(dashboards + "/growth").then().statusCode(503);
        given().auth().oauth2(adminKey).when().get("/api/v1/projects/" + project + "/board-audit")
                .then().statusCode(503);
        // who: a key of the project's environments reads nothing here, no key is 401, another project's key 403
        given().auth().oauth2(AdminFixtures.key(project, "server", "production")).when().get(dashboards)
                .then().statusCode(403);
        given().when().get(insights).then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(AdminFixtures.adminKey(AdminFixtures.project())).when().get(insights)
                .then().statusCode(403);
        // bodies
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"key\": \"other\"}")
                .when().put(insights + "/sign-ups").then().statusCode(400).body("detail", containsString("key"));
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"tiles\": {}}")
                .when().put(dashboards + "/growth").then().statusCode(400).body("detail", containsString("tiles"));
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"tiles\": [{\"width\": \"wide\"}]}")
                .when().put(dashboards + "/growth").then().statusCode(400)
                .body("detail", containsString("tiles[0].width"));
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"name\": ")
                .when().put(insights + "/sign-ups").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(adminKey).contentType("application/json")
                .body("{\"name\": \"x\", \"environment\": \"nowhere\"}").when().put(insights + "/sign-ups")
                .then().statusCode(404).body("detail", containsString("Environment"));
        given().auth().oauth2(adminKey).contentType("application/json")
                .body("{\"queryJson\": \"" + "x".repeat(70_000) + "\"}").when().put(insights + "/big")
                .then().statusCode(413).contentType("application/problem+json");
        given().auth().oauth2(adminKey).contentType("application/json").header("If-Match", "\"soon\"")
                .body(insight).when().put(insights + "/sign-ups").then().statusCode(400);
        given().auth().oauth2(adminKey).header("If-Match", "\"soon\"").when().delete(dashboards + "/growth")
                .then().statusCode(400);
    }

    @Test
    void peopleAreReadWithReaderKeysAndTheirParametersChecked() {
        String people = "/api/v1/projects/" + project + "/environments/production/people";
        given().auth().oauth2(adminKey).queryParam("q", "ada").when().get(people).then().statusCode(503);
        given().auth().oauth2(AdminFixtures.key(project, "server", "production")).when().get(people + "/u-1")
                .then().statusCode(503);
        given().auth().oauth2(AdminFixtures.key(project, "client", "production")).when().get(people + "/u-1")
                .then().statusCode(403);
        given().when().get(people + "/u-1").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(adminKey).queryParam("limit", "lots").when().get(people).then().statusCode(400)
                .body("detail", containsString("limit"));
        given().auth().oauth2(adminKey).queryParam("days", "-1").when().get(people + "/u-1").then().statusCode(400)
                .body("detail", containsString("days"));
    }

    @Inject
    AnswerCache answers;

    @Test
    void dashboardsShareAnswersForAsLongAsTheyAskAndRefreshOnDemand() {
        UUID tenant = UUID.randomUUID();
        AtomicInteger computed = new AtomicInteger();
        Supplier<Uni<ObjectNode>> compute = () -> Uni.createFrom().item(() -> JsonNodeFactory.instance.objectNode()
                .put("n", computed.incrementAndGet()));
        byte[] question = AnswerCache.question("FunnelRequest", new byte[]{1, 2, 3});
        Duration wait = Duration.ofSeconds(5);
        AnswerCache.Answer first = answers.answer(tenant, "production", question, "max-age=600", compute)
                .await().atMost(wait);
        AnswerCache.Answer again = answers.answer(tenant, "production", question, "private, max-age=600", compute)
                .await().atMost(wait);
        assertEquals(1, again.body().get("n").asInt(), "the kept answer, not a new one");
        assertEquals(first.computedAt(), again.computedAt());
        // another environment, another question, no-cache, or no header at all: computed again
        assertEquals(2, answers.answer(tenant, "staging", question, "max-age=600", compute).await().atMost(wait)
                .body().get("n").asInt());
        assertEquals(3, answers.answer(tenant, "production", AnswerCache.question("TrendsRequest",
                new byte[]{1, 2, 3}), "max-age=600", compute).await().atMost(wait).body().get("n").asInt());
        assertEquals(4, answers.answer(tenant, "production", question, "no-cache", compute).await().atMost(wait)
                .body().get("n").asInt());
        assertEquals(4, answers.answer(tenant, "production", question, "max-age=600", compute).await().atMost(wait)
                .body().get("n").asInt(), "a refresh is what the next reader gets");
        assertEquals(5, answers.answer(tenant, "production", question, null, compute).await().atMost(wait)
                .body().get("n").asInt());
        assertEquals(6, answers.answer(tenant, "production", question, "max-age=0", compute).await().atMost(wait)
                .body().get("n").asInt(), "max-age=0 accepts nothing kept");
    }
}
