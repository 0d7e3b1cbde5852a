package dev.flywheel.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The gateway's half of the Segment API: routing of every path, write-key lookup, limits and gzip, CORS, and how
 * an unreachable collector is reported (here no collector runs, so accepted requests must answer 503 + Retry-After:
 * retryable, never 400 or 500). The collector's half is tested in its module and end to end.
 */
@QuarkusTest
class SegmentApiTest {

    private static final String EVENT = "{\"userId\":\"u1\",\"event\":\"Clicked\"}";
    private static String project;
    private static String clientKey;

    // Not @BeforeAll: RestAssured points at the app only once a test method runs.
    @BeforeEach
    void keys() {
        if (project == null) {
            project = AdminFixtures.project();
            clientKey = AdminFixtures.key(project, "client", "production");
        }
    }

    @Test
    void everyPathWithAndWithoutSlashReachesTheCollector() {
        for (String path : new String[]{"identify", "track", "page", "screen", "group", "alias", "batch", "b",
                "t", "i", "p", "s", "g", "a"}) {
            for (String suffix : new String[]{"", "/"}) {
                given().auth().preemptive().basic(clientKey, "").contentType("application/json").body(EVENT)
                        .when().post("/v1/" + path + suffix)
                        .then().statusCode(503)
                        .header("Retry-After", notNullValue())
                        .contentType("application/problem+json");
            }
        }
        given().auth().preemptive().basic(clientKey, "").body(EVENT)
                .when().post("/v1/purchase").then().statusCode(404);
    }

    @Test
    void writeKeyComesFromBasicAuthHeaderOrBody() {
        String basicWithoutColon = "Basic "
                + Base64.getEncoder().encodeToString(clientKey.getBytes(StandardCharsets.UTF_8));
        given().header("Authorization", basicWithoutColon).body(EVENT)
                .when().post("/v1/track").then().statusCode(503);
        given().header("X-Write-Key", clientKey).contentType("text/plain").body(EVENT)
                .when().post("/v1/t").then().statusCode(503);
        given().contentType("application/x-www-form-urlencoded")
                .body("{\"writeKey\":\"" + clientKey + "\",\"batch\":[]}")
                .when().post("/v1/batch").then().statusCode(503);
    }

    @Test
    void missingOrWrongKeysAreRefused() {
        given().body(EVENT).when().post("/v1/track")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().preemptive().basic("fw_client_00000000000000000000000000000000", "").body(EVENT)
                .when().post("/v1/track").then().statusCode(401);
        given().auth().preemptive().basic(AdminFixtures.adminKey(project), "").body(EVENT)
                .when().post("/v1/track").then().statusCode(403);
        // Historical imports need the secret server key.
        given().auth().preemptive().basic(clientKey, "").body("{\"batch\":[]}")
                .when().post("/v1/import").then().statusCode(403);
        given().auth().preemptive().basic(AdminFixtures.key(project, "server", "production"), "")
                .body("{\"batch\":[]}")
                .when().post("/v1/import").then().statusCode(503);
    }

    @Test
    void gzipBodiesAreInflatedAndBrokenGzipIsABadRequest() throws Exception {
        given().auth().preemptive().basic(clientKey, "").header("Content-Encoding", "gzip")
                .body(gzip("{\"batch\":[" + EVENT + "]}"))
                .when().post("/v1/batch").then().statusCode(503);
        given().auth().preemptive().basic(clientKey, "").header("Content-Encoding", "gzip")
                .body("definitely not gzip".getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/batch")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("invalid_gzip"));
    }

    @Test
    void oversizeBodiesAreBadRequestsEvenWhenCompressed() throws Exception {
        String big = "{\"batch\":[{\"event\":\"" + "x".repeat(600_000) + "\"}]}";
        given().auth().preemptive().basic(clientKey, "").body(big)
                .when().post("/v1/batch")
                .then().statusCode(400).body("detail", containsString("batch_too_large"));
        given().auth().preemptive().basic(clientKey, "").header("Content-Encoding", "gzip").body(gzip(big))
                .when().post("/v1/batch")
                .then().statusCode(400).body("detail", containsString("batch_too_large"));
    }

    @Test
    void browserPreflightsAndOriginsFollowTheProject() {
        given().header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .when().options("/v1/t")
                .then().statusCode(204)
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
        given().auth().preemptive().basic(clientKey, "").header("Origin", "https://evil.example.net")
                .contentType("text/plain").body(EVENT)
                .when().post("/v1/t").then().statusCode(403);
    }

    /**
     * A page must be able to read a refusal to retry it well: the collector is down in these tests, so the 503 and
     * its Retry-After reach an allowed origin with CORS headers, as does an API error; a foreign origin gets none.
     */
    @Test
    void browsersCanReadRefusalsFromTheirProjectsOrigins() {
        given().header("Origin", "https://app.example.com").contentType("text/plain")
                .body("{\"writeKey\":\"" + clientKey + "\",\"batch\":[" + EVENT + "]}")
                .when().post("/v1/batch").then().statusCode(503)
                .header("Access-Control-Allow-Origin", "https://app.example.com")
                .header("Access-Control-Expose-Headers", containsString("Retry-After"))
                .header("Retry-After", notNullValue());
        String adminKey = AdminFixtures.adminKey(project);
        given().auth().oauth2(adminKey).header("Origin", "https://app.example.com")
                .when().get("/api/v1/projects/" + project + "/environments/production/flags").then().statusCode(503)
                .header("Access-Control-Allow-Origin", "https://app.example.com");
        given().auth().preemptive().basic(clientKey, "").header("Origin", "https://evil.example.net")
                .contentType("text/plain").body(EVENT).when().post("/v1/t").then().statusCode(403)
                .header("Access-Control-Allow-Origin", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void settingsBootstrapTheBrowserLibrary() {
        given().when().get("/v1/projects/" + clientKey + "/settings")
                .then().statusCode(200)
                .body("integrations.'Segment.io'.apiKey", equalTo(clientKey))
                .body("integrations.'Segment.io'.apiHost", containsString("/v1"));
        given().when().get("/v1/projects/fw_client_00000000000000000000000000000000/settings")
                .then().statusCode(404).contentType("application/problem+json");
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
