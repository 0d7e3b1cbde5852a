package dev.flywheel.gateway;

import static dev.flywheel.gateway.AdminFixtures.BOOTSTRAP;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Bad input and abuse at the edge: every answer is a clear problem+json, never a 500 or an HTML page. */
@QuarkusTest
class EdgeProtectionTest {

    @Test
    void missingKeyIsUnauthenticated() {
        given().when().get("/api/v1/projects")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("type", equalTo("urn:flywheel:problem:unauthenticated"))
                .body("instance", equalTo("/api/v1/projects"));
    }

    @Test
    void unknownOrMalformedKeysAreUnauthenticated() {
        given().auth().oauth2("fw_admin_00000000000000000000000000000000")
                .when().get("/api/v1/projects").then().statusCode(401);
        given().auth().oauth2("not a key at all")
                .when().get("/api/v1/projects").then().statusCode(401);
        given().header("Authorization", "Basic Zm9vOmJhcg==")
                .when().get("/api/v1/projects").then().statusCode(401);
    }

    @Test
    void unknownRoutesRevealNothingWithoutAKey() {
        given().when().get("/api/v1/nothing-here").then().statusCode(401);
        given().auth().oauth2(BOOTSTRAP)
                .when().get("/api/v1/nothing-here")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void malformedJsonIsABadRequest() {
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body("{\"name\": ")
                .when().post("/api/v1/organisations")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:flywheel:problem:malformed-request"));
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body("[1,2,3]")
                .when().post("/api/v1/organisations")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body("")
                .when().post("/api/v1/organisations")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void unknownFieldsAndWrongTypesAreRejected() {
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(Map.of("name", "x", "nmae", "y"))
                .when().post("/api/v1/organisations")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("organisationId", "not-a-uuid", "name", "x"))
                .when().post("/api/v1/projects")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void invalidFieldsAreListed() {
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("organisationId", AdminFixtures.organisation(), "name", " ",
                        "corsOrigins", java.util.List.of("javascript:alert(1)")))
                .when().post("/api/v1/projects")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:flywheel:problem:validation-failed"))
                .body("errors.field", org.hamcrest.Matchers.hasItems("name", "corsOrigins[0].<list element>"));
    }

    @Test
    void wrongMediaTypeIsRefused() {
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.TEXT).body("name=x")
                .when().post("/api/v1/organisations")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void oversizedBodiesAreRefusedBeforeParsing() {
        String big = "{\"name\":\"" + "x".repeat(70_000) + "\"}";
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(big)
                .when().post("/api/v1/organisations")
                .then().statusCode(413)
                .contentType("application/problem+json");
    }

    @Test
    void invalidPathIdsAreNotFound() {
        given().auth().oauth2(BOOTSTRAP)
                .when().get("/api/v1/projects/not-a-uuid")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void burstOverTheLimitIsThrottledWithRetryAfter() {
        String project = AdminFixtures.project();
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("rateLimit", Map.of("perSecond", 1, "burst", 3)))
                .when().patch("/api/v1/projects/" + project).then().statusCode(200);
        String key = AdminFixtures.key(project, "client", "production");
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(key).when().get("/api/v1/whoami").then().statusCode(200);
        }
        given().auth().oauth2(key)
                .when().get("/api/v1/whoami")
                .then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("urn:flywheel:problem:rate-limited"));
        // Limits are per key: another key of the same project is unaffected.
        given().auth().oauth2(AdminFixtures.key(project, "client", "production"))
                .when().get("/api/v1/whoami").then().statusCode(200);
    }

    @Test
    void http2WithoutTlsAndPersistentConnections() throws Exception {
        String key = AdminFixtures.key(AdminFixtures.project(), "client", "production");
        java.net.URI whoami = java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port
                + "/api/v1/whoami");
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(whoami)
                .header("Authorization", "Bearer " + key).build();
        // h2c: the client upgrades its first request, then every request shares the one connection
        java.net.http.HttpClient h2c = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_2).build();
        for (int i = 0; i < 3; i++) {
            java.net.http.HttpResponse<String> answer = h2c.send(request,
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            org.junit.jupiter.api.Assertions.assertEquals(200, answer.statusCode());
            org.junit.jupiter.api.Assertions.assertEquals(java.net.http.HttpClient.Version.HTTP_2, answer.version());
        }
        // HTTP/1.1 keeps the connection open for the next request
        given().auth().oauth2(key).when().get("/api/v1/whoami")
                .then().statusCode(200).header("Connection", org.hamcrest.Matchers.not(equalTo("close")));
    }

    @Test
    void corsAllowsOnlyTheProjectsOrigins() {
        String project = AdminFixtures.project();
        String key = AdminFixtures.key(project, "client", "production");
        given().header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .when().options("/api/v1/whoami")
                .then().statusCode(204)
                .header("Access-Control-Allow-Origin", "https://app.example.com")
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
        given().auth().oauth2(key).header("Origin", "https://app.example.com")
                .when().get("/api/v1/whoami")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", "https://app.example.com");
        given().auth().oauth2(key).header("Origin", "https://evil.example.net")
                .when().get("/api/v1/whoami")
                .then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue())
                .body("type", equalTo("urn:flywheel:problem:origin-not-allowed"));
    }

    @Test
    void openApiAndSwaggerUiArePublished() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/projects"));
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void everyRequestBodyIsDescribedByASchema() throws Exception {
        JsonNode api = new ObjectMapper().readTree(given().when().get("/q/openapi?format=json").asByteArray());
        JsonNode schemas = api.path("components").path("schemas");
        java.util.List<String> undescribed = new java.util.ArrayList<>();
        int bodies = 0;
        for (Map.Entry<String, JsonNode> path : api.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                JsonNode content = operation.getValue().path("requestBody").path("content");
                if (content.isMissingNode()) {
                    continue;
                }
                bodies++;
                JsonNode schema = content.path("application/json").path("schema");
                String ref = schema.path("$ref").asText("");
                JsonNode target = ref.isEmpty() ? schema : schemas.path(ref.replace("#/components/schemas/", ""));
                if (target.path("properties").isEmpty() && target.path("oneOf").isEmpty()) {
                    undescribed.add(operation.getKey() + " " + path.getKey() + " " + schema);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(bodies >= 34, "request bodies found: " + bodies);
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), undescribed);
        // Contract messages are documented as ProtoJson reads them: camelCase, enums by short name, closed objects.
        JsonNode trends = schemas.path("TrendsRequest");
        org.junit.jupiter.api.Assertions.assertFalse(trends.path("properties").has("environment"));
        org.junit.jupiter.api.Assertions.assertEquals("#/components/schemas/MetricDefinition",
                trends.path("properties").path("metric").path("$ref").asText(), trends.toString());
        org.junit.jupiter.api.Assertions.assertTrue(schemas.path("MetricDefinition").path("properties")
                .path("aggregation").path("enum").toString().contains("\"unique_users\""));
        org.junit.jupiter.api.Assertions.assertFalse(trends.path("additionalProperties").asBoolean(true));
        // Jackson trees are any JSON, not JsonNode's getters.
        org.junit.jupiter.api.Assertions.assertFalse(schemas.has("JsonNodeType"), schemas.fieldNames().toString());
    }

    @Test
    void theHttpLayersRefusalsAreProblemsThatCloseTheConnection() throws Exception {
        given().auth().oauth2(BOOTSTRAP).queryParam("x", "a".repeat(9_000))
                .when().get("/api/v1/organisations")
                .then().statusCode(414).contentType("application/problem+json").header("Connection", "close")
                .body("type", equalTo("urn:flywheel:problem:uri-too-long"));
        given().auth().oauth2(BOOTSTRAP).header("X-Padding", "a".repeat(17_000))
                .when().get("/api/v1/organisations")
                .then().statusCode(431).contentType("application/problem+json").header("Connection", "close")
                .body("type", equalTo("urn:flywheel:problem:headers-too-large"));
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(new byte[3 * 1024 * 1024 + 1])
                .when().post("/api/v1/organisations")
                .then().statusCode(413).contentType("application/problem+json").header("Connection", "close")
                .body("type", equalTo("urn:flywheel:problem:payload-too-large"));
        // A URI that is not a URI is refused by the platform before any route, as docs/ports.md says: 400, no body.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/v1/organisations/%zz HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + BOOTSTRAP + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[64];
            int read = socket.getInputStream().read(head);
            org.junit.jupiter.api.Assertions.assertTrue(new String(head, 0, Math.max(read, 0),
                    StandardCharsets.US_ASCII).startsWith("HTTP/1.1 400"));
        }
    }

    @Test
    void everyJsonEdgeRefusesTrailingTextDuplicateKeysAndInvalidUtf8() {
        for (String body : new String[]{"{\"name\": \"x\"} trailing", "{\"name\": \"x\", \"name\": \"y\"}"}) {
            given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/organisations")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("urn:flywheel:problem:malformed-request"));
        }
        byte[] invalidUtf8 = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(invalidUtf8)
                .when().post("/api/v1/organisations")
                .then().statusCode(400).contentType("application/problem+json");
        String project = AdminFixtures.project();
        String client = AdminFixtures.key(project, "client", "production");
        for (String path : new String[]{"/api/v1/assign", "/api/v1/surveys/next"}) {
            given().auth().oauth2(client).contentType(ContentType.JSON).body("{} []")
                    .when().post(path)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("urn:flywheel:problem:malformed-request"));
            given().auth().oauth2(client).contentType(ContentType.JSON).body(invalidUtf8)
                    .when().post(path)
                    .then().statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2(client).contentType(ContentType.JSON).body("{\"context\": {}} x")
                .when().post("/ofrep/v1/evaluate/flags/some-flag")
                .then().statusCode(400).body("errorCode", equalTo("INVALID_CONTEXT"));
    }

    @Test
    void authorizationComesBeforeTheBodyIsRead() {
        String project = AdminFixtures.project();
        String client = AdminFixtures.key(project, "client", "production");
        // a client key learns nothing about the body it sent to endpoints it may not use
        given().auth().oauth2(client).contentType(ContentType.JSON).body("{\"name\": 5, \"bogus\": true}")
                .when().post("/api/v1/projects")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(client).contentType(ContentType.JSON).body("{\"kind\": ")
                .when().post("/api/v1/projects/" + project + "/keys")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(client).contentType(ContentType.JSON).body("not json")
                .when().post("/api/v1/projects/" + project + "/environments/production/analytics/trends")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void projectsAreFilteredByOrganisationForEveryCaller() {
        String project = AdminFixtures.project();
        String admin = AdminFixtures.key(project, "admin", null);
        given().auth().oauth2(admin).queryParam("organisationId", java.util.UUID.randomUUID().toString())
                .when().get("/api/v1/projects")
                .then().statusCode(200).body("size()", equalTo(0));
        given().auth().oauth2(admin).when().get("/api/v1/projects")
                .then().statusCode(200).body("size()", equalTo(1));
        given().auth().oauth2(admin).queryParam("organisationId", "not-an-id")
                .when().get("/api/v1/projects")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("organisationId"));
    }
}
