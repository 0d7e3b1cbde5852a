package dev.flywheel.gateway;

import static dev.flywheel.gateway.AdminFixtures.BOOTSTRAP;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class ApiKeyLifecycleTest {

    @Test
    void keyIsShownOnceAndListedWithoutItsSecret() {
        String project = AdminFixtures.project();
        Response created = given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("kind", "client", "environment", "production", "name", "web"))
                .when().post("/api/v1/projects/" + project + "/keys");
        created.then().statusCode(201)
                .body("key", matchesPattern("fw_client_[0-9A-Za-z]{32}"))
                .body("environment", equalTo("production"));
        String secret = created.path("key");
        String prefix = created.path("displayPrefix");
        given().auth().oauth2(BOOTSTRAP)
                .when().get("/api/v1/projects/" + project + "/keys")
                .then().statusCode(200)
                .body("displayPrefix", hasItem(prefix))
                .body("key", hasItem(nullValue()))
                .body(not(org.hamcrest.Matchers.containsString(secret)));
    }

    @Test
    void whoamiDescribesTheKey() {
        String project = AdminFixtures.project();
        given().auth().oauth2(AdminFixtures.key(project, "server", "staging"))
                .when().get("/api/v1/whoami")
                .then().statusCode(200)
                .body("kind", equalTo("server"))
                .body("projectId", equalTo(project))
                .body("environment", equalTo("staging"))
                .body("organisationId", notNullValue());
        given().header("X-API-Key", AdminFixtures.key(project, "client", "development"))
                .when().get("/api/v1/whoami")
                .then().statusCode(200).body("kind", equalTo("client"));
    }

    @Test
    void revokedKeyStopsWorkingAtOnce() {
        String project = AdminFixtures.project();
        Response created = given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("kind", "server", "environment", "production"))
                .when().post("/api/v1/projects/" + project + "/keys");
        String secret = created.path("key");
        String keyId = created.path("id");
        // Warm the cache first: revocation must evict it, not wait for a TTL.
        given().auth().oauth2(secret).when().get("/api/v1/whoami").then().statusCode(200);
        given().auth().oauth2(AdminFixtures.adminKey(project))
                .when().delete("/api/v1/projects/" + project + "/keys/" + keyId)
                .then().statusCode(204);
        given().auth().oauth2(secret)
                .when().get("/api/v1/whoami")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
        String revokedAt = given().auth().oauth2(BOOTSTRAP)
                .when().get("/api/v1/projects/" + project + "/keys")
                .then().body("find { it.id == '" + keyId + "' }.environment", equalTo("production"))
                .extract().path("find { it.id == '" + keyId + "' }.revokedAt");
        // revoking again is harmless and keeps the first time
        given().auth().oauth2(AdminFixtures.adminKey(project))
                .when().delete("/api/v1/projects/" + project + "/keys/" + keyId)
                .then().statusCode(204);
        given().auth().oauth2(BOOTSTRAP)
                .when().get("/api/v1/projects/" + project + "/keys")
                .then().body("find { it.id == '" + keyId + "' }.revokedAt", equalTo(revokedAt));
    }

    @Test
    void revokingAnotherProjectsKeyIsRefused() {
        String projectA = AdminFixtures.project();
        String keyOfA = given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("kind", "client", "environment", "production"))
                .when().post("/api/v1/projects/" + projectA + "/keys").then().extract().path("id");
        String projectB = AdminFixtures.project();
        // Addressed under B, the key does not exist there.
        given().auth().oauth2(AdminFixtures.adminKey(projectB))
                .when().delete("/api/v1/projects/" + projectB + "/keys/" + keyOfA)
                .then().statusCode(404);
        given().auth().oauth2(AdminFixtures.adminKey(projectB))
                .when().delete("/api/v1/projects/" + projectA + "/keys/" + keyOfA)
                .then().statusCode(403);
    }

    @Test
    void keyRequestsAreValidated() {
        String project = AdminFixtures.project();
        String path = "/api/v1/projects/" + project + "/keys";
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(Map.of("kind", "client"))
                .when().post(path)
                .then().statusCode(400).body("errors[0].field", equalTo("environment"));
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("kind", "admin", "environment", "production"))
                .when().post(path)
                .then().statusCode(400);
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("kind", "client", "environment", "nowhere"))
                .when().post(path)
                .then().statusCode(400)
                .body("detail", equalTo("environment: no environment 'nowhere' in this project"));
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(Map.of("kind", "root"))
                .when().post(path)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("kind"));
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("kind", "server", "environment", "production", "expiresAt",
                        Instant.now().minusSeconds(60).toString()))
                .when().post(path)
                .then().statusCode(400).body("errors[0].field", equalTo("expiresAt"));
    }

    @Test
    void keyWithFutureExpiryWorksUntilThen() {
        String project = AdminFixtures.project();
        String secret = given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("kind", "server", "environment", "production", "expiresAt",
                        Instant.now().plusSeconds(3600).toString()))
                .when().post("/api/v1/projects/" + project + "/keys")
                .then().statusCode(201).body("expiresAt", notNullValue()).extract().path("key");
        given().auth().oauth2(secret).when().get("/api/v1/whoami").then().statusCode(200);
    }
}
