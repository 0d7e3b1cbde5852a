package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.proto.experiments.v1.Assignment;
import io.restassured.http.ContentType;

/**
 * An experiment simulated through the real pipeline: 20,000 users assigned over gRPC, their purchases sent with the
 * Segment API, a true +10% conversion effect in the treatment, and an A/A experiment over the same users. The
 * results found from the maintained statistics must show the effect with the right sign, and nothing in the A/A.
 */
@ExtendWith(Platform.class)
class ExperimentResultsE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int USERS = 20_000;
    static final double BASE_RATE = 0.30;
    static final double LIFT = 0.10;

    @Test
    void aTrueEffectIsFoundAndAnAaTestShowsNothing() throws Exception {
        String project = Tenants.project("results");
        String admin = Tenants.key(project, "admin", null);
        String server = Tenants.key(project, "server", "production");
        String client = Tenants.key(project, "client", "production");
        String experiments = "/api/v1/projects/" + project + "/environments/production/experiments";
        for (String key : List.of("checkout-flow", "aa-check")) {
            given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                    .body(Map.of("variations", List.of(Map.of("key", "control", "value", "a"),
                            Map.of("key", "treatment", "value", "b"))))
                    .when().put(experiments + "/" + key).then().statusCode(201);
            given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                    .body(Map.of("status", "running")).when().post(experiments + "/" + key + "/status")
                    .then().statusCode(200);
        }
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Purchased within a day", "type", "conversion",
                        "events", Map.of("event", "Order Completed"), "windowSeconds", 86_400))
                .when().put("/api/v1/projects/" + project + "/experiment-metrics/purchased").then().statusCode(200);
        // Audited like every definition, the metric shown as the metric endpoints show it.
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin)
                .when().get("/api/v1/projects/" + project + "/experiment-metric-audit").then().statusCode(200)
                .body("action", contains("created")).body("[0].key", equalTo("purchased"))
                .body("[0].after.type", equalTo("conversion")).body("[0].after.windowSeconds", equalTo(86_400))
                .body("[0].environment", nullValue()).body("[0].actor", startsWith("key:"));

        Map<String, Integer> checkout = assign(server);
        assertEquals(USERS, checkout.size());

        // Purchases after exposure: 30% of the control converts, 33% of the treatment (+10%). The A/A experiment
        // splits the same users independently, so it must see no difference.
        Random random = new Random(20261130L);
        List<String> buyers = new ArrayList<>();
        checkout.forEach((user, variation) -> {
            if (random.nextDouble() < BASE_RATE * (variation == 1 ? 1 + LIFT : 1)) {
                buyers.add(user);
            }
        });
        Instant now = Instant.now();
        for (int from = 0; from < buyers.size(); from += 500) {
            StringBuilder batch = new StringBuilder("{\"batch\": [");
            for (int i = from; i < Math.min(from + 500, buyers.size()); i++) {
                batch.append(i == from ? "" : ",").append("{\"type\": \"track\", \"event\": \"Order Completed\", ")
                        .append("\"userId\": ").append(JSON.writeValueAsString(buyers.get(i)))
                        .append(", \"timestamp\": \"").append(now).append("\"}");
            }
            given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(client, "")
                    .contentType("application/json").body(batch.append("]}").toString())
                    .when().post("/v1/batch").then().statusCode(200);
        }

        JsonNode ab = ExperimentResults.awaitCounted(experiments + "/checkout-flow/results", server, USERS,
                buyers.size(), Duration.ofSeconds(240));
        JsonNode comparison = ab.get("metrics").get(0).get("variations").get(1).get("comparison");
        assertFalse(ab.get("health").get("sampleRatioMismatch").asBoolean(), ab::toString);
        assertTrue(comparison.get("estimate").asDouble() > 0, ab::toString);
        assertTrue(comparison.get("significant").asBoolean(), ab::toString);
        assertTrue(comparison.get("pValue").asDouble() < 0.05, ab::toString);
        assertTrue(comparison.get("chanceToWin").asDouble() > 0.95, ab::toString);
        assertTrue(comparison.get("lower").asDouble() < LIFT && comparison.get("upper").asDouble() > LIFT,
                ab::toString);

        JsonNode aa = ExperimentResults.awaitCounted(experiments + "/aa-check/results", server, USERS,
                buyers.size(), Duration.ofSeconds(240));
        JsonNode aaComparison = aa.get("metrics").get(0).get("variations").get(1).get("comparison");
        assertFalse(aa.get("health").get("sampleRatioMismatch").asBoolean(), aa::toString);
        assertTrue(aa.get("warnings").isEmpty(), aa::toString);
        assertFalse(aaComparison.get("significant").asBoolean(), aa::toString);
        assertTrue(aaComparison.get("pValue").asDouble() > 0.05, aa::toString);

        // The sequential test, read as often as wanted, with a Bayesian prior: the same sign, a wider interval.
        JsonNode sequential = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(server)
                .contentType(ContentType.JSON).body(Map.of("sequential", true, "prior",
                        Map.of("mean", 0, "variance", 0.09)))
                .when().post(experiments + "/checkout-flow/results").then().statusCode(200).extract().asString());
        JsonNode seq = sequential.get("metrics").get(0).get("variations").get(1).get("comparison");
        assertTrue(sequential.get("sequential").asBoolean());
        assertTrue(seq.get("upper").asDouble() - seq.get("lower").asDouble() > comparison.get("upper").asDouble()
                - comparison.get("lower").asDouble(), sequential::toString);
        assertTrue(seq.get("estimate").asDouble() > 0);
        // Bad options get problem+json; a client key may not read results.
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(server).contentType(ContentType.JSON)
                .body(Map.of("alpha", 3)).when().post(experiments + "/checkout-flow/results")
                .then().statusCode(400).contentType("application/problem+json");
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(server).when().get(experiments + "/nothing/results")
                .then().statusCode(404).contentType("application/problem+json");
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(client).when().get(experiments + "/aa-check/results")
                .then().statusCode(403);
    }

    /** Every user assigned over gRPC (both experiments at once); their checkout-flow variation. */
    private static Map<String, Integer> assign(String serverKey) throws Exception {
        List<Map<String, Object>> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            users.add(Map.of("id", "buyer-" + u));
        }
        List<Map<String, dev.flywheel.proto.experiments.v1.Assignment>> answers = AssignAllCalls.assignAll(
                serverKey, users);
        Map<String, Integer> out = new HashMap<>();
        for (int u = 0; u < USERS; u++) {
            var checkout = answers.get(u).get("checkout-flow");
            if (checkout != null && checkout.getInExperiment()) {
                out.put("buyer-" + u, checkout.getVariationIndex());
            }
        }
        return out;
    }
}
