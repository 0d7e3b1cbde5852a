package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.experiments.Assignment;
import dev.flywheel.flags.FlagType;
import dev.flywheel.proto.experiments.v1.AssignAllRequest;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc;
import dev.flywheel.sdk.FlywheelClient;
import dev.flywheel.sdk.FlywheelOptions;
import dev.flywheel.sdk.SdkProblem;
import dev.flywheel.sdk.openfeature.FlywheelProvider;
import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.restassured.http.ContentType;

/**
 * The Java SDK against the running platform: its in-process answers are the services' answers (flags through the
 * same OpenFeature client API as the flagd provider evaluating remotely; experiments against AssignAll for every
 * user), changes arrive within a second, its exposures count in results, a restart while Flywheel is unreachable
 * serves the saved snapshot, and a revoked key is reported while the last snapshot keeps serving.
 */
@ExtendWith(Platform.class)
class JavaSdkE2ETest {

    static final int USERS = 2_000;
    static String project;
    static String admin;
    static String server;
    static ManagedChannel assignment;

    @BeforeAll
    static void setUp() throws IOException {
        project = Tenants.project("java-sdk");
        admin = Tenants.key(project, "admin", null);
        server = Tenants.key(project, "server", "production");
        asAdmin().body(resource("/flags/checkout-flags.json")).when()
                .put("/api/v1/projects/" + project + "/environments/production/flagd").then().statusCode(200);
        run("production", "sdk-plain", Map.of("variations", List.of(variation("control", 0.5),
                variation("treatment", 0.5))));
        run("production", "sdk-targeted", Map.of("variations", List.of(variation("a", 0.2), variation("b", 0.3),
                variation("c", 0.5)), "coverage", 0.8, "hashVersion", 1,
                "condition", Map.of("in", List.of(Map.of("var", "country"), List.of("NL", "BE")))));
        run("production", "sdk-sticky", Map.of("variations", List.of(variation("off", 0.5), variation("on", 0.5)),
                "stickyBucketing", true, "hashAttribute", "deviceId", "fallbackAttribute", "id"));
        URI grpc = Platform.serviceUri("ASSIGNMENT_GRPC");
        assignment = ManagedChannelBuilder.forAddress(grpc.getHost(), grpc.getPort()).usePlaintext().build();
    }

    @AfterAll
    static void tearDown() {
        if (assignment != null) {
            assignment.shutdownNow();
        }
    }

    @Test
    void flagsAgreeWithRemoteEvaluationAndAChangeArrivesWithinASecond() throws Exception {
        try (FlywheelClient sdk = FlywheelClient.start(options(server).build())) {
            assertTrue(sdk.awaitReady(Duration.ofSeconds(10)), "no snapshot within 10 s");
            OpenFeatureAPI api = OpenFeatureAPI.getInstance();
            api.setProviderAndWait("sdk", new FlywheelProvider(sdk));
            URI flagd = Platform.serviceUri("FLAGD");
            FlagdProvider remoteProvider = new FlagdProvider(FlagdOptions.builder().resolverType(Config.Resolver.RPC)
                    .host(flagd.getHost()).port(flagd.getPort()).tls(false).deadline(5_000).cacheType("disabled")
                    .clientInterceptors(List.of(MetadataUtils.newAttachHeadersInterceptor(bearer(server)))).build());
            api.setProviderAndWait("remote", remoteProvider);
            try {
                Client local = api.getClient("sdk");
                Client remote = api.getClient("remote");
                int compared = 0;
                for (EvaluationContext context : contexts()) {
                    compared += same(() -> local.getBooleanDetails("new-checkout", false, context),
                            () -> remote.getBooleanDetails("new-checkout", false, context));
                    compared += same(() -> local.getStringDetails("greeting", "fallback", context),
                            () -> remote.getStringDetails("greeting", "fallback", context));
                    compared += same(() -> local.getIntegerDetails("page-size", 1, context),
                            () -> remote.getIntegerDetails("page-size", 1, context));
                    compared += same(() -> local.getDoubleDetails("discount", 0.0, context),
                            () -> remote.getDoubleDetails("discount", 0.0, context));
                    compared += same(() -> local.getStringDetails("fractional-flag", "fallback", context),
                            () -> remote.getStringDetails("fractional-flag", "fallback", context));
                    compared += same(() -> local.getObjectDetails("theme", new dev.openfeature.sdk.Value(), context),
                            () -> remote.getObjectDetails("theme", new dev.openfeature.sdk.Value(), context));
                }
                compared += same(() -> local.getBooleanDetails("no-such-flag", false),
                        () -> remote.getBooleanDetails("no-such-flag", false));
                compared += same(() -> local.getBooleanDetails("greeting", false),
                        () -> remote.getBooleanDetails("greeting", false));
                compared += same(() -> local.getIntegerDetails("bad-operator", 7),
                        () -> remote.getIntegerDetails("bad-operator", 7));
                assertEquals(6 * contexts().size() + 3, compared);
                // disabled: flagd's v1 protocol (the remote provider's) answers the type's zero value, the SDK the
                // caller's default as flagd's v2 and OFREP do; the reason is the same
                assertEquals(true, local.getBooleanValue("switched-off", true));
                assertEquals("DISABLED", local.getBooleanDetails("switched-off", true).getReason());
                assertEquals("DISABLED", remote.getBooleanDetails("switched-off", true).getReason());

                List<String> changed = new CopyOnWriteArrayList<>();
                local.onProviderConfigurationChanged(event -> changed.addAll(event.getFlagsChanged()));
                long started = System.nanoTime();
                asAdmin().body(Map.of("state", "ENABLED", "variants", Map.of("on", true, "off", false),
                        "defaultVariant", "off")).when()
                        .put("/api/v1/projects/" + project + "/environments/production/flags/new-checkout")
                        .then().statusCode(200);
                while (local.getBooleanValue("new-checkout", true)
                        && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
                    Thread.sleep(2);
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertFalse(local.getBooleanValue("new-checkout", true));
                assertTrue(millis < 1000, "the change reached the SDK after " + millis + " ms");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (!changed.contains("new-checkout") && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertEquals(List.of("new-checkout"), changed.stream().distinct().toList());
            } finally {
                api.getProvider("remote").shutdown();
                asAdmin().body(Map.of("state", "ENABLED", "variants", Map.of("on", true, "off", false),
                        "defaultVariant", "on")).when()
                        .put("/api/v1/projects/" + project + "/environments/production/flags/new-checkout")
                        .then().statusCode(200);
            }
        }
    }

    @Test
    void everyUserGetsTheAssignmentsTheServiceGives() throws Exception {
        var service = ExperimentAssignmentServiceGrpc.newBlockingStub(assignment)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(server)));
        try (FlywheelClient sdk = FlywheelClient.start(options(server).flags(false).build())) {
            assertTrue(sdk.awaitReady(Duration.ofSeconds(10)), "no snapshot within 10 s");
            Random random = new Random(20261205L);
            String[] countries = {"NL", "BE", "US", "DE"};
            int inExperiment = 0;
            for (int u = 0; u < USERS; u++) {
                Map<String, Object> user = new HashMap<>();
                user.put("id", "sdk-user-" + Long.toString(random.nextLong() >>> 1, 36));
                user.put("country", countries[random.nextInt(countries.length)]);
                if (random.nextBoolean()) {
                    user.put("deviceId", "device-" + random.nextInt(1_000_000));
                }
                Map<String, dev.flywheel.proto.experiments.v1.Assignment> expected = new HashMap<>();
                service.withDeadlineAfter(10, TimeUnit.SECONDS).assignAll(AssignAllRequest.newBuilder()
                        .setAttributes(struct(user)).build()).getAssignmentsList()
                        .forEach(a -> expected.put(a.getExperimentKey(), a));
                List<Assignment> ours = sdk.assignAll(user);
                assertEquals(expected.size(), ours.size(), user::toString);
                for (Assignment mine : ours) {
                    var theirs = expected.get(mine.experimentKey());
                    String where = mine.experimentKey() + " for " + user;
                    assertEquals(theirs.getInExperiment(), mine.inExperiment(), where);
                    assertEquals(theirs.getVariationIndex(), mine.variationIndex(), where);
                    assertEquals(theirs.getReason().name(), "ASSIGNMENT_REASON_" + mine.reason().name(), where);
                    assertEquals(theirs.getBucket(), mine.bucket(), 0.0, where);
                    assertEquals(theirs.getHashValue(), mine.hashValue(), where);
                    inExperiment += mine.inExperiment() ? 1 : 0;
                }
            }
            assertTrue(inExperiment > USERS, "most users are in some experiment: " + inExperiment);
            // a single experiment, and one the environment does not have
            assertTrue(sdk.assign("sdk-plain", Map.of("id", "someone")).orElseThrow().inExperiment());
            assertTrue(sdk.assign("no-such-experiment", Map.of("id", "someone")).isEmpty());
        }
    }

    @Test
    void exposuresReportedByTheSdkCountInResults() throws Exception {
        String staging = Tenants.key(project, "server", "staging");
        run("staging", "sdk-exposed", Map.of("variations", List.of(variation("control", 0.5),
                variation("treatment", 0.5))));
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Converted", "type", "conversion", "events", Map.of("event", "SDK Converted"),
                        "windowSeconds", 86_400))
                .when().put("/api/v1/projects/" + project + "/experiment-metrics/sdk-converted").then()
                .statusCode(200);
        int units = 0;
        int conversions = 0;
        try (FlywheelClient sdk = FlywheelClient.start(options(staging).flags(false).flushInterval(
                Duration.ofMillis(200)).build())) {
            assertTrue(sdk.awaitReady(Duration.ofSeconds(10)), "no snapshot within 10 s");
            for (int u = 0; u < 300; u++) {
                String user = "exposed-" + u;
                Assignment answer = sdk.assign("sdk-exposed", Map.of("id", user)).orElseThrow();
                // assigned twice: still one exposure
                sdk.assign("sdk-exposed", Map.of("id", user));
                if (answer.inExperiment()) {
                    units++;
                    if (u % 3 == 0) {
                        assertTrue(sdk.track(user, "SDK Converted", Map.of("plan", "pro", "amount", 12.5)));
                        conversions++;
                    }
                }
            }
            sdk.flush().get(30, TimeUnit.SECONDS);
            assertEquals(units + conversions, sdk.eventsSent(), "every exposure and event acknowledged");
            assertEquals(0, sdk.eventsDropped());
        }
        var results = ExperimentResults.awaitCounted("/api/v1/projects/" + project
                + "/environments/staging/experiments/sdk-exposed/results", staging, units, conversions,
                Duration.ofSeconds(240));
        assertFalse(results.get("health").get("sampleRatioMismatch").asBoolean(), results::toString);
    }

    @Test
    void aRestartWhileFlywheelIsUnreachableServesTheSavedSnapshot() throws Exception {
        Path file = Files.createTempDirectory("flywheel-sdk").resolve("snapshot.json");
        Map<String, Object> user = Map.of("id", "returning-user", "country", "NL");
        List<Assignment> before;
        Object greeting;
        try (FlywheelClient sdk = FlywheelClient.start(options(server).snapshotFile(file).build())) {
            assertTrue(sdk.awaitReady(Duration.ofSeconds(10)));
            before = sdk.assignAll(user);
            greeting = sdk.evaluate("greeting", FlagType.STRING, Map.of("email", "ada@flywheel.dev")).value();
        }
        assertTrue(Files.size(file) > 100, "the snapshot was saved");
        List<SdkProblem> problems = new CopyOnWriteArrayList<>();
        // nothing listens on port 1: the platform is unreachable
        FlywheelOptions unreachable = FlywheelOptions.builder(server).flagsTarget("127.0.0.1:1")
                .experimentsTarget("127.0.0.1:1").eventsTarget("127.0.0.1:1").snapshotFile(file)
                .onProblem(problems::add).build();
        try (FlywheelClient sdk = FlywheelClient.start(unreachable)) {
            assertTrue(sdk.ready(), "served from the file at once");
            assertEquals(greeting, sdk.evaluate("greeting", FlagType.STRING, Map.of("email", "ada@flywheel.dev"))
                    .value());
            List<Assignment> after = sdk.assignAll(user);
            assertEquals(before.stream().map(Assignment::variationIndex).toList(),
                    after.stream().map(Assignment::variationIndex).toList());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (problems.stream().noneMatch(p -> p.kind() == SdkProblem.Kind.SYNC_UNAVAILABLE)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(problems.stream().anyMatch(p -> p.kind() == SdkProblem.Kind.SYNC_UNAVAILABLE),
                    problems::toString);
        }
        // a corrupt file is reported, and the client still starts
        Files.writeString(file, "{not json");
        problems.clear();
        try (FlywheelClient sdk = FlywheelClient.start(unreachable)) {
            assertFalse(sdk.ready());
            assertTrue(problems.stream().anyMatch(p -> p.kind() == SdkProblem.Kind.SNAPSHOT_FILE), problems::toString);
            assertEquals("GENERAL", sdk.evaluate("greeting", FlagType.STRING, Map.of()).error().name());
            assertEquals(List.of(), sdk.assignAll(user));
        }
    }

    @Test
    void aRevokedKeyIsReportedWhileTheLastSnapshotKeepsServing() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> created = Tenants.asOperator().body(Map.of("kind", "server", "environment",
                "production")).when().post("/api/v1/projects/" + project + "/keys")
                .then().statusCode(201).extract().as(Map.class);
        List<SdkProblem> problems = new CopyOnWriteArrayList<>();
        try (FlywheelClient sdk = FlywheelClient.start(options((String) created.get("key")).onProblem(problems::add)
                .build())) {
            assertTrue(sdk.awaitReady(Duration.ofSeconds(10)));
            Tenants.asOperator().when().delete("/api/v1/projects/" + project + "/keys/" + created.get("id"))
                    .then().statusCode(204);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (problems.stream().filter(p -> p.kind() == SdkProblem.Kind.KEY_REFUSED).count() < 2
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, problems.stream().filter(p -> p.kind() == SdkProblem.Kind.KEY_REFUSED).count(),
                    "both streams ended: " + problems);
            assertEquals(true, sdk.evaluate("new-checkout", FlagType.BOOLEAN, Map.of()).value());
            assertFalse(sdk.assignAll(Map.of("id", "still-served")).isEmpty());
        }
        // client keys never sync: refused before anything is sent
        String client = Tenants.key(project, "client", "production");
        assertThrows(IllegalArgumentException.class, () -> FlywheelOptions.builder(client).build());
    }

    private static Metadata bearer(String key) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return headers;
    }

    static FlywheelOptions.Builder options(String key) {
        return FlywheelOptions.builder(key).flagsTarget(target("FLAGD")).experimentsTarget(target("ASSIGNMENT_GRPC"))
                .eventsTarget(target("EVENT_COLLECTOR"));
    }

    private static String target(String service) {
        URI uri = Platform.serviceUri(service);
        return uri.getHost() + ":" + uri.getPort();
    }

    private static List<EvaluationContext> contexts() {
        return List.of(new MutableContext(),
                new MutableContext("user-1").add("email", "ada@flywheel.dev").add("plan", "pro"),
                new MutableContext("user-2").add("email", "bob@example.com").add("plan", "free").add("seats", 12),
                new MutableContext().add("user", new MutableStructure(Map.of("name",
                        new dev.openfeature.sdk.Value("queen")))),
                new MutableContext().add("user", new MutableStructure(Map.of("name",
                        new dev.openfeature.sdk.Value("jack")))));
    }

    private static <T> int same(Supplier<FlagEvaluationDetails<T>> local, Supplier<FlagEvaluationDetails<T>> remote) {
        FlagEvaluationDetails<T> a = local.get();
        FlagEvaluationDetails<T> b = remote.get();
        String what = "in-process " + a + " / remote " + b;
        assertEquals(b.getValue(), a.getValue(), what);
        assertEquals(b.getVariant() == null || b.getVariant().isEmpty() ? null : b.getVariant(), a.getVariant(),
                what);
        assertEquals(b.getReason(), a.getReason(), what);
        assertEquals(b.getErrorCode(), a.getErrorCode(), what);
        return 1;
    }

    private static void run(String environment, String key, Map<String, Object> definition) {
        String experiments = "/api/v1/projects/" + project + "/environments/" + environment + "/experiments/";
        asAdmin().body(definition).when().put(experiments + key).then().statusCode(201);
        asAdmin().body(Map.of("status", "running")).when().post(experiments + key + "/status").then()
                .statusCode(200);
    }

    private static Map<String, Object> variation(String key, double weight) {
        return Map.of("key", key, "value", key, "weight", weight);
    }

    private static io.restassured.specification.RequestSpecification asAdmin() {
        return given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON);
    }

    private static Struct struct(Map<String, Object> user) {
        Struct.Builder struct = Struct.newBuilder();
        user.forEach((key, value) -> struct.putFields(key, Value.newBuilder().setStringValue((String) value).build()));
        return struct.build();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = JavaSdkE2ETest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
