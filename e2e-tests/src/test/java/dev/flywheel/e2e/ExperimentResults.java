package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** An experiment's results through the gateway, once the pipeline has counted everything a test sent. */
final class ExperimentResults {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExperimentResults() {
    }

    /**
     * Polls {@code path} (an experiment's /results) with {@code key} until its first metric has counted
     * {@code conversions} over {@code units} exposed units and is complete; fails after {@code timeout}.
     */
    static JsonNode awaitCounted(String path, String key, int units, int conversions, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            var response = given().baseUri(Platform.gatewayUrl()).auth().oauth2(key).when().get(path);
            last = response.asString();
            if (response.statusCode() == 200) {
                JsonNode results = JSON.readTree(last);
                JsonNode metric = results.get("metrics").get(0);
                double converted = 0;
                for (JsonNode variation : metric.get("variations")) {
                    converted += variation.path("numeratorSum").asDouble();
                }
                if (results.get("health").get("totalUnits").asInt() == units && converted == conversions
                        && metric.path("complete").asBoolean()) {
                    return results;
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("results did not count " + units + " units and " + conversions
                + " conversions within " + timeout + ": " + last);
    }
}
