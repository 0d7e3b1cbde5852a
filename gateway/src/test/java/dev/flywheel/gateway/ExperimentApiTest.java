package dev.flywheel.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The gateway's side of experiments: who may call, what bodies are accepted. The experiment-assignment service is
 * not running in these tests (its port answers nothing), so accepted requests end in 503 with Retry-After; the whole
 * path is tested end to end in e2e-tests.
 */
@QuarkusTest
class ExperimentApiTest {

    String project;
    String clientKey;
    String adminKey;

    @BeforeEach
    void tenant() {
        project = AdminFixtures.project();
        clientKey = AdminFixtures.key(project, "client", "production");
        adminKey = AdminFixtures.adminKey(project);
    }

    @Test
    void assignTakesAClientOrServerKeyAndAJsonObject() {
        given().auth().oauth2(clientKey).body("{\"attributes\": {\"id\": \"u1\"}}")
                .when().post("/api/v1/assign")
                .then().statusCode(503).header("Retry-After", notNullValue())
                .contentType("application/problem+json");
        given().auth().oauth2(AdminFixtures.key(project, "server", "production")).body("{}")
                .when().post("/api/v1/assign/checkout").then().statusCode(503);
        given().body("{}").when().post("/api/v1/assign").then().statusCode(401);
        given().auth().oauth2(adminKey).body("{}").when().post("/api/v1/assign").then().statusCode(403);
        given().auth().oauth2(clientKey).body("{\"attributes\": ").when().post("/api/v1/assign")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:flywheel:problem:malformed-request"));
        given().auth().oauth2(clientKey).body("[1]").when().post("/api/v1/assign").then().statusCode(400);
        given().auth().oauth2(clientKey).body("{\"attributes\": [1]}").when().post("/api/v1/assign/x")
                .then().statusCode(400);
        given().auth().oauth2(clientKey).body("{\"url\": 5}").when().post("/api/v1/assign").then().statusCode(400);
        given().auth().oauth2(clientKey).body("{\"deferExposures\": \"yes\"}").when().post("/api/v1/assign")
                .then().statusCode(400).body("errors[0].field", equalTo("deferExposures"));
        given().auth().oauth2(clientKey).body("{\"deferExposures\": true}").when().post("/api/v1/assign")
                .then().statusCode(503);
    }

    @Test
    void exposuresTakeAClientOrServerKeyAndTokens() {
        given().auth().oauth2(clientKey).body("{\"exposureTokens\": [\"a.b\"]}").when().post("/api/v1/exposures")
                .then().statusCode(503).header("Retry-After", notNullValue());
        given().body("{\"exposureTokens\": [\"a.b\"]}").when().post("/api/v1/exposures").then().statusCode(401);
        given().auth().oauth2(adminKey).body("{\"exposureTokens\": [\"a.b\"]}").when().post("/api/v1/exposures")
                .then().statusCode(403);
        for (String bad : new String[]{"", "{}", "[]", "{\"exposureTokens\": \"a.b\"}",
                "{\"exposureTokens\": [1]}"}) {
            given().auth().oauth2(clientKey).body(bad).when().post("/api/v1/exposures").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        given().auth().oauth2(clientKey).body("{\"exposureTokens\": [\"" + "x".repeat(70_000) + "\"]}")
                .when().post("/api/v1/exposures").then().statusCode(413).contentType("application/problem+json");
    }

    @Test
    void managementIsForTheProjectsAdminKeys() {
        String base = "/api/v1/projects/" + project + "/environments/production/experiments";
        given().auth().oauth2(clientKey).when().get(base).then().statusCode(403);
        given().auth().oauth2(AdminFixtures.adminKey(AdminFixtures.project())).when().get(base).then()
                .statusCode(403);
        given().auth().oauth2(adminKey).when().get("/api/v1/projects/" + project
                + "/environments/nowhere/experiments").then().statusCode(404);
        given().auth().oauth2(adminKey).when().get(base + "?status=paused").then().statusCode(400);
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"status\": \"draft\"}")
                .when().post(base + "/checkout/status").then().statusCode(400);
        given().auth().oauth2(adminKey).header("If-Match", "\"soon\"").body("{}")
                .when().put(base + "/checkout").then().statusCode(400);
        given().auth().oauth2(adminKey).contentType("application/json").body("{}")
                .when().put("/api/v1/projects/" + project + "/experiment-settings").then().statusCode(400);
        given().auth().oauth2(adminKey).when().get(base).then().statusCode(503);
    }
}
