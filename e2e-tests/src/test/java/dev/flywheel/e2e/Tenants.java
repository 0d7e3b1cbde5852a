package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Creates organisations, projects and keys through the public API, as the operator would. */
final class Tenants {

    private Tenants() {
    }

    static RequestSpecification asOperator() {
        return given().baseUri(Platform.gatewayUrl()).auth().oauth2(Platform.bootstrapKey())
                .contentType(ContentType.JSON);
    }

    static String organisation(String prefix) {
        return asOperator().body(Map.of("name", prefix + "-" + UUID.randomUUID()))
                .when().post("/api/v1/organisations")
                .then().statusCode(201).extract().path("id");
    }

    static String project(String organisation, String name) {
        return asOperator().body(Map.of("organisationId", organisation, "name", name,
                "rateLimit", Map.of("perSecond", 10_000, "burst", 10_000)))
                .when().post("/api/v1/projects")
                .then().statusCode(201).extract().path("id");
    }

    static String project(String name) {
        return project(organisation("e2e"), name);
    }

    static String key(String project, Map<String, Object> request) {
        return asOperator().body(request)
                .when().post("/api/v1/projects/" + project + "/keys")
                .then().statusCode(201).extract().path("key");
    }

    static String key(String project, String kind, String environment) {
        return key(project, environment == null
                ? Map.of("kind", kind)
                : Map.of("kind", kind, "environment",
                        environment));
    }
}
