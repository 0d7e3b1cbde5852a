package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.flywheel.experiments.Assignment;
import dev.flywheel.sdk.FlywheelClient;
import dev.flywheel.sdk.FlywheelOptions;
import dev.flywheel.sdk.openfeature.FlywheelProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.restassured.http.ContentType;

/**
 * The Java example of docs/backends.md, run as written against the platform: the code between the markers below
 * must appear verbatim (less indentation) in the page's example block.
 */
@ExtendWith(Platform.class)
class BackendsGuideE2ETest {

    @Test
    void theJavaSdkExampleWorksAsWritten() throws Exception {
        String project = Tenants.project("backends-guide");
        String admin = Tenants.key(project, "admin", null);
        String serverKey = Tenants.key(project, "server", "production");
        String production = "/api/v1/projects/" + project + "/environments/production";
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("state", "ENABLED", "variants", Map.of("on", true, "off", false), "defaultVariant",
                        "on"))
                .when().put(production + "/flags/new-checkout").then().statusCode(201);
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("variations", List.of(Map.of("key", "control", "value", "a", "weight", 0.5),
                        Map.of("key", "treatment", "value", "b", "weight", 0.5))))
                .when().put(production + "/experiments/checkout-copy").then().statusCode(201);
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("status", "running")).when().post(production + "/experiments/checkout-copy/status")
                .then().statusCode(200);
        String flagsAddress = address("FLAGD");
        String experimentsAddress = address("ASSIGNMENT_GRPC");
        String eventsAddress = address("EVENT_COLLECTOR");
        Path snapshotFile = Files.createTempDirectory("backends-guide").resolve("flywheel-snapshot.json");
        boolean newCheckout;
        List<Assignment> assignments;
        // backends.md:begin
        FlywheelClient flywheel = FlywheelClient.start(FlywheelOptions.builder(serverKey)
                .flagsTarget(flagsAddress) // feature-flags, e.g. "flywheel-feature-flags:8013"
                .experimentsTarget(experimentsAddress) // experiment-assignment, e.g. "flywheel-assignment:9083"
                .eventsTarget(eventsAddress) // event-collector, e.g. "flywheel-event-collector:8081"
                .snapshotFile(snapshotFile) // serve the last snapshot if Flywheel is down at start
                .onProblem(problem -> System.err.println("flywheel: " + problem.message()))
                .build());
        flywheel.awaitReady(Duration.ofSeconds(5)); // start-up only; nothing else waits on the network

        OpenFeatureAPI.getInstance().setProviderAndWait(new FlywheelProvider(flywheel));
        Client flags = OpenFeatureAPI.getInstance().getClient();
        newCheckout = flags.getBooleanValue("new-checkout", false, new MutableContext("user-42"));

        assignments = flywheel.assignAll(Map.of("id", "user-42", "country", "NL"));
        flywheel.track("user-42", "Order Completed", Map.of("revenue", 42.5));
        flywheel.close(); // on shutdown: sends what is buffered
        // backends.md:end
        assertTrue(newCheckout);
        assertEquals("checkout-copy", assignments.get(0).experimentKey(), assignments::toString);
        // the user's exposure to checkout-copy and the tracked order, both sent before close returned
        assertEquals(2, flywheel.eventsSent());

        String page = Files.readString(Platform.root().resolve("docs/backends.md"));
        assertTrue(page.contains(example()), "docs/backends.md shows another example than the one this test runs");
    }

    /** The lines between the markers in this file, with their common indentation removed. */
    private static String example() throws Exception {
        List<String> lines = Files.readAllLines(Platform.root()
                .resolve("e2e-tests/src/test/java/dev/flywheel/e2e/BackendsGuideE2ETest.java"));
        int begin = lines.indexOf("        // backends.md:begin");
        int end = lines.indexOf("        // backends.md:end");
        return lines.subList(begin + 1, end).stream().map(line -> line.length() >= 8 ? line.substring(8) : line)
                .collect(Collectors.joining("\n"));
    }

    private static String address(String service) {
        URI uri = Platform.serviceUri(service);
        return uri.getHost() + ":" + uri.getPort();
    }
}
