package dev.flywheel.gateway;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;

/** Creates tenants through the public API, as an operator would; every test gets its own. */
final class AdminFixtures {

    static final String BOOTSTRAP = "test-bootstrap-admin-key";

    private AdminFixtures() {
    }

    static String organisation() {
        return given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("name", "org-" + UUID.randomUUID()))
                .when().post("/api/v1/organisations")
                .then().statusCode(201).extract().path("id");
    }

    static String project(String organisationId) {
        return given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("organisationId", organisationId, "name", "project-" + UUID.randomUUID(),
                        "corsOrigins", java.util.List.of("https://app.example.com")))
                .when().post("/api/v1/projects")
                .then().statusCode(201).extract().path("id");
    }

    static String project() {
        return project(organisation());
    }

    /** Issues a key and returns its secret. */
    static String key(String projectId, String kind, String environment) {
        Map<String, Object> body = environment == null
                ? Map.of("kind", kind)
                : Map.of("kind", kind, "environment", environment);
        return given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/projects/" + projectId + "/keys")
                .then().statusCode(201).extract().path("key");
    }

    static String adminKey(String projectId) {
        return key(projectId, "admin", null);
    }
}
