package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * A revoked or expired key stops working on every transport within a second of the revocation's answer, although
 * each service remembered it a moment before (ADR 0008). Prints, per transport, which call was the first refused and
 * when (transports are checked one after another, so the times add up).
 */
@ExtendWith(Platform.class)
class KeyRevocationE2ETest {

    private static final Duration BOUND = Duration.ofSeconds(1);
    /** One method per transport a server key reaches, called with an empty message (accepted or refused on merit). */
    private static final Map<String, String> TRANSPORTS = new LinkedHashMap<>();
    private static final List<ManagedChannel> channels = new ArrayList<>();
    private static String project;

    static {
        TRANSPORTS.put("EVENT_COLLECTOR", "flywheel.events.v1.IngestService/IngestBatch");
        TRANSPORTS.put("FLAGD", "flagd.evaluation.v1.Service/ResolveBoolean");
        TRANSPORTS.put("ASSIGNMENT_GRPC", "flywheel.experiments.v1.ExperimentAssignmentService/AssignAll");
        TRANSPORTS.put("METRICS_AGGREGATOR", "flywheel.analytics.v1.AnalyticsQueryService/Trends");
        TRANSPORTS.put("FEEDBACK", "flywheel.feedback.v1.SurveyServingService/NextSurvey");
    }

    @BeforeAll
    static void project() {
        project = Tenants.project("revocation");
    }

    @AfterAll
    static void disconnect() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    @Test
    void aRevokedKeyIsRefusedEverywhereWithinASecond() throws Exception {
        Map<String, Object> created = Tenants.asOperator().body(Map.of("kind", "server", "environment", "production"))
                .when().post("/api/v1/projects/" + project + "/keys")
                .then().statusCode(201).extract().as(Map.class);
        String key = (String) created.get("key");
        List<Function<String, Status.Code>> calls = transports();
        for (Function<String, Status.Code> call : calls) {
            assertNotEquals(Status.Code.UNAUTHENTICATED, call.apply(key), "a fresh key was refused");
        }
        Tenants.asOperator().when().delete("/api/v1/projects/" + project + "/keys/" + created.get("id"))
                .then().statusCode(204);
        Instant revoked = Instant.now();
        Map<String, Duration> took = refusedWithin(calls, key, revoked);
        System.out.println("revocation took effect after " + took);
    }

    @Test
    void anExpiredKeyIsRefusedEverywhereFromItsExpiry() throws Exception {
        List<Function<String, Status.Code>> calls = transports();
        // Connect and warm every transport first, so the fresh key's first calls fit well inside its 3 s.
        String lasting = Tenants.key(project, Map.of("kind", "server", "environment", "production"));
        calls.forEach(call -> call.apply(lasting));
        Instant expiresAt = Instant.now().plusSeconds(3);
        String key = Tenants.key(project, Map.of("kind", "server", "environment", "production",
                "expiresAt", expiresAt.toString()));
        for (Function<String, Status.Code> call : calls) {
            assertNotEquals(Status.Code.UNAUTHENTICATED, call.apply(key), "a fresh key was refused");
        }
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()));
        Map<String, Duration> took = refusedWithin(calls, key, expiresAt);
        System.out.println("expiry took effect after " + took);
    }

    /** Polls every transport until each refuses the key; fails if any still accepts it after the bound. */
    private static Map<String, Duration> refusedWithin(List<Function<String, Status.Code>> calls, String key,
            Instant from) throws InterruptedException {
        Map<String, Duration> took = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(TRANSPORTS.keySet());
        names.add("GATEWAY_REST");
        for (int i = 0; i < calls.size(); i++) {
            Status.Code code;
            int attempts = 0;
            do {
                attempts++;
                code = calls.get(i).apply(key);
                if (code != Status.Code.UNAUTHENTICATED) {
                    Thread.sleep(5);
                }
            } while (code != Status.Code.UNAUTHENTICATED
                    && Duration.between(from, Instant.now()).compareTo(BOUND.plusSeconds(1)) < 0);
            assertEquals(Status.Code.UNAUTHENTICATED, code, names.get(i) + " still honours the key");
            took.put(names.get(i) + " (call " + attempts + ")", Duration.between(from, Instant.now()));
        }
        // The last transport was checked after all the others: every one was refusing by then.
        Duration slowest = took.values().stream().max(Duration::compareTo).orElseThrow();
        assertTrue(slowest.compareTo(BOUND) <= 0, "a transport honoured the key for " + slowest);
        return took;
    }

    private static List<Function<String, Status.Code>> transports() {
        List<Function<String, Status.Code>> calls = new ArrayList<>();
        TRANSPORTS.forEach((port, method) -> {
            URI address = GrpcSurface.address(port);
            ManagedChannel channel = ManagedChannelBuilder.forAddress(address.getHost(), address.getPort())
                    .usePlaintext().build();
            channels.add(channel);
            MethodDescriptor<byte[], byte[]> descriptor = GrpcSurface.SERVICES.stream()
                    .flatMap(service -> GrpcSurface.methods(service).stream())
                    .filter(m -> m.getFullMethodName().equals(method)).findFirst().orElseThrow();
            calls.add(key -> GrpcSurface.call(channel, descriptor, new byte[0], key, 5_000).code());
        });
        calls.add(key -> given().baseUri(Platform.gatewayUrl()).auth().oauth2(key).when().get("/api/v1/whoami")
                .statusCode() == 401 ? Status.Code.UNAUTHENTICATED : Status.Code.OK);
        return calls;
    }
}
