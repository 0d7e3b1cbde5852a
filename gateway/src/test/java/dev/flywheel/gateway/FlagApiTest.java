package dev.flywheel.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The gateway's side of flags: who may manage and evaluate them, which conditions and bodies are accepted, and
 * OFREP's own error bodies. The feature-flags service is not running in these tests (its port answers nothing), so
 * accepted requests end in 503 with Retry-After; the whole path is tested end to end in e2e-tests.
 */
@QuarkusTest
class FlagApiTest {

    String project;
    String adminKey;
    String clientKey;
    String flags;

    @BeforeEach
    void tenant() {
        project = AdminFixtures.project();
        adminKey = AdminFixtures.adminKey(project);
        clientKey = AdminFixtures.key(project, "client", "production");
        flags = "/api/v1/projects/" + project + "/environments/production/flags";
    }

    @Test
    void managementIsForTheProjectsAdminKeys() {
        given().auth().oauth2(adminKey).when().get(flags).then().statusCode(503).header("Retry-After", notNullValue())
                .contentType("application/problem+json");
        given().auth().oauth2(clientKey).when().get(flags).then().statusCode(403);
        given().auth().oauth2(AdminFixtures.adminKey(AdminFixtures.project())).when().get(flags).then()
                .statusCode(403);
        given().when().get(flags).then().statusCode(401);
        given().auth().oauth2(adminKey).when()
                .get("/api/v1/projects/" + project + "/environments/nowhere/flags").then().statusCode(404);
    }

    @Test
    void conditionsAreCheckedBeforeAnyServiceIsAsked() {
        String on = "{\"state\": \"ENABLED\", \"variants\": {\"on\": true}, \"defaultVariant\": \"on\"}";
        given().auth().oauth2(adminKey).header("If-Match", "\"v2\"").contentType("application/json").body(on)
                .when().put(flags + "/beta").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("If-Match"));
        given().auth().oauth2(adminKey).header("If-Match", "\"0\"").when().delete(flags + "/beta").then()
                .statusCode(400);
        // well-formed conditions go on to the service
        given().auth().oauth2(adminKey).header("If-None-Match", "*").contentType("application/json").body(on)
                .when().put(flags + "/beta").then().statusCode(503);
        given().auth().oauth2(adminKey).header("If-Match", "W/\"3\"").contentType("application/json").body(on)
                .when().put(flags + "/beta").then().statusCode(503);
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"flags\": {}}")
                .when().put("/api/v1/projects/" + project + "/environments/production/flagd").then()
                .statusCode(503);
    }

    @Test
    void ofrepAnswersInItsOwnBodies() {
        String ofrep = "/ofrep/v1/evaluate/flags";
        // an admin key holds no environment: OFREP's forbidden body, naming the flag
        given().auth().oauth2(adminKey).contentType("application/json").body("{}").when().post(ofrep + "/beta")
                .then().statusCode(403).body("key", equalTo("beta")).body("errorCode", equalTo("GENERAL"));
        given().auth().oauth2(clientKey).contentType("application/json").body("{\"context\": 5}")
                .when().post(ofrep + "/beta").then().statusCode(400).body("errorCode", equalTo("INVALID_CONTEXT"))
                .body("errorDetails", containsString("context"));
        given().auth().oauth2(clientKey).contentType("application/json").body("{\"context\": ")
                .when().post(ofrep).then().statusCode(400).body("errorCode", equalTo("INVALID_CONTEXT"))
                .body("key", nullValue());
        given().auth().oauth2(clientKey).contentType("application/json")
                .body("{\"context\": {\"targetingKey\": 42}}").when().post(ofrep + "/beta").then().statusCode(400)
                .body("errorDetails", containsString("targetingKey"));
        // a good request while feature-flags is down: 503 with Retry-After, in OFREP's body
        given().auth().oauth2(clientKey).contentType("application/json")
                .body("{\"context\": {\"targetingKey\": \"u-1\"}}").when().post(ofrep + "/beta").then()
                .statusCode(503).header("Retry-After", "2").body("errorDetails", containsString("unavailable"));
        given().contentType("application/json").body("{}").when().post(ofrep).then().statusCode(401);
    }
}
