package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The first promise of the platform: keys open exactly their own project's doors, and abuse gets clear answers. */
@ExtendWith(Platform.class)
class AccessControlE2ETest {

    private static String projectA;
    private static String projectB;
    private static String adminA;
    private static String adminB;

    @BeforeAll
    static void createTwoProjects() {
        RestAssured.baseURI = Platform.gatewayUrl();
        String organisation = asOperator().body(Map.of("name", "e2e-" + UUID.randomUUID()))
                .when().post("/api/v1/organisations")
                .then().statusCode(201).extract().path("id");
        projectA = createProject(organisation, "shop");
        projectB = createProject(organisation, "blog");
        adminA = issueKey(projectA, Map.of("kind", "admin"));
        adminB = issueKey(projectB, Map.of("kind", "admin"));
    }

    @Test
    void theRightKeySucceeds() {
        given().auth().oauth2(adminA)
                .when().get("/api/v1/projects/" + projectA)
                .then().statusCode(200)
                .body("environments.name", hasItem("production"));
        String server = issueKey(projectA, Map.of("kind", "server", "environment", "production"));
        given().auth().oauth2(server)
                .when().get("/api/v1/whoami")
                .then().statusCode(200)
                .body("projectId", equalTo(projectA))
                .body("environment", equalTo("production"));
    }

    @Test
    void anotherProjectsKeyIsForbidden() {
        given().auth().oauth2(adminB)
                .when().get("/api/v1/projects/" + projectA)
                .then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(adminB).contentType(ContentType.JSON)
                .body(Map.of("kind", "client", "environment", "production"))
                .when().post("/api/v1/projects/" + projectA + "/keys")
                .then().statusCode(403);
    }

    @Test
    void noKeyIsUnauthenticated() {
        given().when().get("/api/v1/projects")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
    }

    @Test
    void aRevokedKeyIsUnauthenticated() {
        var created = asOperator().body(Map.of("kind", "client", "environment", "staging"))
                .when().post("/api/v1/projects/" + projectA + "/keys")
                .then().statusCode(201).extract();
        String key = created.path("key");
        given().auth().oauth2(key).when().get("/api/v1/whoami").then().statusCode(200);
        given().auth().oauth2(adminA)
                .when().delete("/api/v1/projects/" + projectA + "/keys/" + created.path("id"))
                .then().statusCode(204);
        given().auth().oauth2(key).when().get("/api/v1/whoami").then().statusCode(401);
    }

    @Test
    void aBurstOverTheLimitIsThrottled() {
        String organisation = asOperator().body(Map.of("name", "e2e-limits-" + UUID.randomUUID()))
                .when().post("/api/v1/organisations").then().statusCode(201).extract().path("id");
        String project = asOperator()
                .body(Map.of("organisationId", organisation, "name", "limited",
                        "rateLimit", Map.of("perSecond", 2, "burst", 5)))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("id");
        String key = issueKey(project, Map.of("kind", "client", "environment", "production"));
        int throttled = 0;
        for (int i = 0; i < 20; i++) {
            int status = given().auth().oauth2(key).when().get("/api/v1/whoami").statusCode();
            if (status == 429) {
                throttled++;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(throttled >= 10, "expected most of the burst throttled, got "
                + throttled);
        given().auth().oauth2(key)
                .when().get("/api/v1/whoami")
                .then().statusCode(429)
                .header("Retry-After", notNullValue())
                .contentType("application/problem+json");
    }

    @Test
    void malformedBodiesAreBadRequestsNeverServerErrors() {
        for (String body : new String[]{"{", "null", "[]", "{\"name\": 42, \"extra\": true}", "\u0000\u0001",
                "{\"organisationId\": \"nope\", \"name\": \"x\"}"}) {
            given().auth().oauth2(Platform.bootstrapKey()).contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/projects")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("status", equalTo(400));
        }
        given().auth().oauth2(adminA).contentType(ContentType.JSON).body("{\"kind\":")
                .when().post("/api/v1/projects/" + projectA + "/keys")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void everyServiceIsReadyOnItsManagementPortAndNowhereElse() {
        for (String service : new String[]{"GATEWAY", "EVENT_COLLECTOR", "FEATURE_FLAGS", "EXPERIMENT_ASSIGNMENT",
                "METRICS_AGGREGATOR", "FEEDBACK"}) {
            String management = Platform.settings().get("FLYWHEEL_" + service + "_MANAGEMENT_URL");
            given().baseUri(management).when().get("/q/health/ready").then().statusCode(200)
                    .body("status", equalTo("UP"));
            given().baseUri(management).when().get("/q/metrics").then().statusCode(200);
        }
        for (String port : GrpcSurface.PORTS) {
            for (String path : new String[]{"/q/metrics", "/q/health/ready"}) {
                assertNotEquals(200, httpStatus(GrpcSurface.address(port).resolve(path)), port + path);
            }
        }
    }

    /** The status of a plain HTTP/1.1 GET, or -1 when the port does not speak it (the services' gRPC servers). */
    private static int httpStatus(URI uri) {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1)
                    .build().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static RequestSpecification asOperator() {
        return Tenants.asOperator();
    }

    static String createProject(String organisation, String name) {
        return asOperator().body(Map.of("organisationId", organisation, "name", name))
                .when().post("/api/v1/projects")
                .then().statusCode(201).extract().path("id");
    }

    static String issueKey(String project, Map<String, Object> request) {
        return Tenants.key(project, request);
    }
}
