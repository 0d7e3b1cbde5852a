package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sdk.growthbook.GBSDKBuilder;
import com.sdk.growthbook.GrowthBookSDK;
import com.sdk.growthbook.model.GBExperimentResult;
import com.sdk.growthbook.model.GBFeatureResult;
import com.sdk.growthbook.model.GBFeatureSource;
import com.sdk.growthbook.model.GBNumber;
import com.sdk.growthbook.model.GBString;
import com.sdk.growthbook.model.GBValue;
import com.sdk.growthbook.network.GBNetworkDispatcherOkHttp;

import dev.flywheel.proto.experiments.v1.Assignment;
import dev.flywheel.proto.experiments.v1.AssignmentReason;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Unmodified GrowthBook SDKs on Flywheel's GrowthBook endpoints: @growthbook/growthbook (Node.js) and GrowthBook's
 * JVM SDK load /api/features/<client key> and assign 10,000 users exactly as AssignAll does (namespaces, filters, a
 * holdout,
 * targeting, forced users, a released winner, another hash attribute); its streaming subscription hears a change;
 * the exposures its tracking callback reports, sent as $exposure events, count in results; and what the payload
 * cannot carry is listed with the reason.
 */
@ExtendWith(Platform.class)
class GrowthBookSdkE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int USERS = 10_000;
    static final List<String> SERVED = List.of("gb-even", "gb-weighted", "gb-namespaced", "gb-filtered",
            "gb-targeted", "gb-forced", "gb-released", "gb-device");
    static String project;
    static String admin;
    static String client;
    static String server;
    static List<Map<String, Object>> users;

    @BeforeAll
    static void setUp() {
        project = Tenants.project("growthbook-sdk");
        admin = Tenants.key(project, "admin", null);
        client = Tenants.key(project, "client", "production");
        server = Tenants.key(project, "server", "production");
        users = users(20261205L, USERS);
        asAdmin().body(Map.of("holdoutShare", 0.05)).when().put("/api/v1/projects/" + project
                + "/experiment-settings").then().statusCode(200);
        run("production", "gb-even", Map.of("variations", arms(2, null), "hashVersion", 2));
        run("production", "gb-weighted", Map.of("variations", arms(3, new double[]{0.2, 0.3, 0.5}),
                "coverage", 0.6, "hashVersion", 1));
        run("production", "gb-namespaced", Map.of("variations", arms(2, null), "seed", "shared-seed",
                "namespace", Map.of("id", "checkout", "start", 0, "end", 0.5)));
        run("production", "gb-filtered", Map.of("variations", arms(4, null), "filters", List.of(Map.of("seed",
                "slice", "ranges", List.of(List.of(0, 0.3), List.of(0.5, 0.9))))));
        run("production", "gb-targeted", Map.of("variations", arms(2, new double[]{0.7, 0.3}), "condition",
                Map.of("and", List.of(Map.of("in", List.of(Map.of("var", "country"), List.of("NL", "BE"))),
                        Map.of(">=", List.of(Map.of("var", "age"), 30))))));
        run("production", "gb-forced", Map.of("variations", arms(2, null), "forcedVariations",
                Map.of((String) users.get(0).get("id"), "v1", (String) users.get(1).get("id"), "v0")));
        run("production", "gb-released", Map.of("variations", arms(2, null), "condition",
                Map.of("==", List.of(Map.of("var", "country"), "US"))));
        asAdmin().body(Map.of("status", "stopped", "releasedVariation", "v1")).when()
                .post(experiments("production") + "gb-released/status").then().statusCode(200);
        run("production", "gb-device", Map.of("variations", arms(2, null), "hashAttribute", "deviceId"));
        // what GrowthBook cannot express
        run("production", "gb-truthy", Map.of("variations", arms(2, null), "condition", Map.of("var", "beta")));
        run("production", "gb-scheduled", Map.of("variations", arms(2, null), "schedule",
                Map.of("startAt", "2026-01-01T00:00:00Z")));
    }

    @Test
    void thePayloadHasAnEtagAndSaysWhatItCannotCarry() {
        var first = given().baseUri(Platform.gatewayUrl()).when().get("/api/features/" + client)
                .then().statusCode(200).contentType(ContentType.JSON).header("X-SSE-Support", "enabled")
                .body("features.gb-even.defaultValue", equalTo("value-0"))
                .body("features.gb-even.rules[0].variations", equalTo(List.of("value-0", "value-1")))
                .body("features.gb-even.rules[0].hashVersion", equalTo(2))
                .body("features.gb-even.rules[0].filters[0].seed", equalTo("__holdout__" + project))
                .body("features.gb-truthy", equalTo(null))
                .body("unservable.key", hasItem("gb-scheduled"))
                .extract();
        String etag = first.header("ETag");
        given().baseUri(Platform.gatewayUrl()).header("If-None-Match", etag).when().get("/api/features/" + client)
                .then().statusCode(304);
        // a server key may read it too (GrowthBook's backend SDKs); an admin key, no key or a forged one may not
        given().baseUri(Platform.gatewayUrl()).when().get("/api/features/" + server).then().statusCode(200)
                .header("ETag", etag);
        given().baseUri(Platform.gatewayUrl()).when().get("/api/features/" + admin).then().statusCode(403)
                .contentType("application/problem+json");
        given().baseUri(Platform.gatewayUrl()).when().get("/api/features/fw_client_" + "x".repeat(32))
                .then().statusCode(401).contentType("application/problem+json");
        given().baseUri(Platform.gatewayUrl()).when().get("/api/features/").then().statusCode(401);
        given().baseUri(Platform.gatewayUrl()).when().get("/api/features/" + "k".repeat(9000)).then().statusCode(414)
                .contentType("application/problem+json");
        // the stream refuses as the payload does, before it opens
        given().baseUri(Platform.gatewayUrl()).when().get("/sub/fw_client_" + "x".repeat(32)).then().statusCode(401)
                .contentType("application/problem+json");
        given().baseUri(Platform.gatewayUrl()).when().get("/sub/" + admin).then().statusCode(403)
                .contentType("application/problem+json");
        // editors see why each left-out experiment is left out
        asAdmin().when().get("/api/v1/projects/" + project + "/environments/production/growthbook")
                .then().statusCode(200)
                .body("unservable.find { it.key == 'gb-truthy' }.reason", notNullValue())
                .body("unservable.find { it.key == 'gb-scheduled' }.reason", equalTo(
                        "a schedule (startAt/endAt): GrowthBook rules have none"));
    }

    @Test
    void growthBooksJavaScriptSdkAssignsEveryUserAsAssignAllDoes() throws Exception {
        JsonNode growthBook = JSON.readTree(NodeClients.run("growthbook-features.mjs", environment(client),
                JSON.writeValueAsBytes(Map.of("users", users, "features", SERVED)), Duration.ofMinutes(3),
                "assign"));
        List<Map<String, Assignment>> ours = assigned();
        int compared = 0;
        int inExperiment = 0;
        // GrowthBook tracks a unit once per experiment: users sharing a device id are one unit of gb-device
        java.util.Set<String> exposures = new java.util.HashSet<>();
        for (int u = 0; u < USERS; u++) {
            for (int f = 0; f < SERVED.size(); f++) {
                Assignment mine = ours.get(u).get(SERVED.get(f));
                JsonNode theirs = growthBook.get("answers").get(u).get(f);
                String where = SERVED.get(f) + " for " + users.get(u) + ": " + theirs + " / " + mine;
                if (mine.getReason() == AssignmentReason.ASSIGNMENT_REASON_FORCED
                        || mine.getReason() == AssignmentReason.ASSIGNMENT_REASON_RELEASED) {
                    assertEquals("force", theirs.get(3).asText(), where);
                } else {
                    assertEquals(mine.getInExperiment(), theirs.get(0).asBoolean(), where);
                    if (mine.getInExperiment()) {
                        assertEquals(mine.getVariationIndex(), theirs.get(1).asInt(), where);
                        inExperiment++;
                    }
                }
                assertEquals(mine.getValue().getStringValue(), theirs.get(2).asText(), where);
                if (mine.getInExperiment() && mine.getHashUsed()) {
                    exposures.add(mine.getExperimentKey() + "/" + mine.getHashValue());
                }
                compared++;
            }
        }
        assertEquals(USERS * SERVED.size(), compared);
        assertTrue(inExperiment > compared / 4, "many answers put users in an experiment: " + inExperiment);
        assertEquals(exposures.size(), growthBook.get("exposures").size(), "the tracking callback heard each exposure");
    }

    /**
     * GrowthBook's SDK for the JVM from Maven Central (the Kotlin SDK's JVM build, with its OkHttp dispatcher),
     * loading the same payload over HTTP and evaluating each user in the process.
     */
    @Test
    void growthBooksJvmSdkAssignsEveryUserAsAssignAllDoes() throws Exception {
        List<String> tracked = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<GrowthBookSDK> ready = new java.util.concurrent.CompletableFuture<>();
        new GBSDKBuilder(client, Platform.gatewayUrl(), null, new GBNetworkDispatcherOkHttp(), Map.of(), null,
                (experiment, result) -> {
                    tracked.add(experiment.getKey() + "/" + result.getHashValue());
                    return kotlin.Unit.INSTANCE;
                }, false, false, false).initialize(sdk -> {
                    ready.complete(sdk);
                    return kotlin.Unit.INSTANCE;
                });
        GrowthBookSDK growthBook = ready.get(30, TimeUnit.SECONDS);
        List<Map<String, Assignment>> ours = assigned();
        int compared = 0;
        int unknownWithoutHashAttribute = 0;
        for (int u = 0; u < USERS; u++) {
            Map<String, GBValue> attributes = new HashMap<>();
            users.get(u).forEach((name, value) -> attributes.put(name, value instanceof Number n
                    ? new GBNumber(n)
                    : new GBString((String) value)));
            growthBook.setAttributes(attributes);
            for (String key : SERVED) {
                Assignment mine = ours.get(u).get(key);
                GBFeatureResult theirs = growthBook.feature(key);
                String where = key + " for " + users.get(u) + ": " + theirs + " / " + mine;
                GBExperimentResult experiment = theirs.getExperimentResult();
                if (mine.getReason() == AssignmentReason.ASSIGNMENT_REASON_FORCED
                        || mine.getReason() == AssignmentReason.ASSIGNMENT_REASON_RELEASED) {
                    assertEquals(GBFeatureSource.force, theirs.getSource(), where);
                } else {
                    assertEquals(mine.getInExperiment(), experiment != null && experiment.getInExperiment(),
                            where);
                    if (mine.getInExperiment()) {
                        assertEquals(mine.getVariationIndex(), experiment.getVariationId(), where);
                    }
                }
                if (mine.getReason() == AssignmentReason.ASSIGNMENT_REASON_MISSING_HASH_ATTRIBUTE
                        && theirs.getSource() == GBFeatureSource.unknownFeature) {
                    // this SDK's own departure (the JavaScript SDK answers the default): a user without the
                    // hash attribute gets no value at all, so the caller's fallback applies
                    unknownWithoutHashAttribute++;
                } else {
                    assertEquals(mine.getValue().getStringValue(), theirs.getGbValue() instanceof GBString text
                            ? text.getValue()
                            : null, where);
                }
                compared++;
            }
        }
        assertEquals(USERS * SERVED.size(), compared);
        assertTrue(unknownWithoutHashAttribute < USERS,
                "only users without a device id: " + unknownWithoutHashAttribute);
        assertFalse(tracked.isEmpty(), "the tracking callback heard exposures");
    }

    @Test
    void aSubscribedSdkHearsAChange() throws Exception {
        Map<String, String> environment = environment(client);
        ProcessBuilder builder = new ProcessBuilder("node", "growthbook-features.mjs", "stream", "gb-weighted")
                .directory(NodeClients.directory().toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process node = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
                StandardCharsets.UTF_8))) {
            JsonNode ready = JSON.readTree(out.readLine());
            assertEquals("ready", ready.get("event").asText(), ready::toString);
            Thread.sleep(500); // the stream opens after the first payload
            long started = System.nanoTime();
            asAdmin().body(Map.of("variations", arms(3, new double[]{0.2, 0.3, 0.5}), "coverage", 0.7,
                    "hashVersion", 1)).when().put(experiments("production") + "gb-weighted").then().statusCode(200);
            JsonNode changed = JSON.readTree(out.readLine());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals("changed", changed.get("event").asText(), changed::toString);
            assertTrue(millis < 2000, "the SDK heard the change after " + millis + " ms");
        } finally {
            node.destroy();
            node.waitFor(10, TimeUnit.SECONDS);
            asAdmin().body(Map.of("variations", arms(3, new double[]{0.2, 0.3, 0.5}), "coverage", 0.6,
                    "hashVersion", 1)).when().put(experiments("production") + "gb-weighted").then().statusCode(200);
        }
    }

    @Test
    void exposuresFromTheTrackingCallbackCountInResults() throws Exception {
        String stagingClient = Tenants.key(project, "client", "staging");
        String stagingServer = Tenants.key(project, "server", "staging");
        run("staging", "gb-exposed", Map.of("variations", arms(2, null)));
        asAdmin().body(Map.of("name", "Signed up", "type", "conversion", "events", Map.of("event", "Signed Up"),
                "windowSeconds", 86_400)).when().put("/api/v1/projects/" + project
                        + "/experiment-metrics/gb-signed-up")
                .then().statusCode(200);
        List<Map<String, Object>> visitors = users(7L, 400);
        JsonNode growthBook = JSON.readTree(NodeClients.run("growthbook-features.mjs", environment(stagingClient),
                JSON.writeValueAsBytes(Map.of("users", visitors, "features", List.of("gb-exposed"))),
                Duration.ofMinutes(1), "assign"));
        List<Map<String, Object>> batch = new ArrayList<>();
        int conversions = 0;
        // what a trackingCallback does: the exposure as a $exposure event, through any Segment-compatible client
        for (JsonNode exposure : growthBook.get("exposures")) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("experiment_key", exposure.get(1).asText());
            properties.put("variation_index", exposure.get(2).asInt());
            properties.put("variation_key", exposure.get(3).asText());
            properties.put("hash_attribute", exposure.get(4).asText());
            properties.put("hash_value", exposure.get(5).asText());
            properties.put("bucket", exposure.get(6).asDouble());
            String user = exposure.get(5).asText();
            batch.add(Map.of("type", "track", "event", "$exposure", "userId", user, "properties", properties));
            if (exposure.get(0).asInt() % 4 == 0) {
                batch.add(Map.of("type", "track", "event", "Signed Up", "userId", user));
                conversions++;
            }
        }
        given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(stagingClient, "")
                .contentType(ContentType.JSON).body(Map.of("batch", batch)).when().post("/v1/batch")
                .then().statusCode(200);
        JsonNode results = ExperimentResults.awaitCounted("/api/v1/projects/" + project
                + "/environments/staging/experiments/gb-exposed/results", stagingServer,
                growthBook.get("exposures").size(), conversions, Duration.ofSeconds(240));
        assertFalse(results.get("health").get("sampleRatioMismatch").asBoolean(), results::toString);
    }

    private static List<Map<String, Assignment>> assigned;

    /** AssignAll's answers for the test's users, asked once for every test that compares with them. */
    private static synchronized List<Map<String, Assignment>> assigned() throws Exception {
        if (assigned == null) {
            assigned = AssignAllCalls.assignAll(server, users);
        }
        return assigned;
    }

    /** Users with an id, a country, sometimes an age and a device id. */
    static List<Map<String, Object>> users(long seed, int count) {
        Random random = new Random(seed);
        String[] countries = {"NL", "BE", "US", "DE"};
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("id", "gb-" + Long.toString(random.nextLong() >>> 1, 36));
            user.put("country", countries[random.nextInt(countries.length)]);
            if (random.nextInt(3) > 0) {
                user.put("age", 16 + random.nextInt(50));
            }
            if (random.nextBoolean()) {
                user.put("deviceId", "device-" + random.nextInt(1_000_000));
            }
            out.add(user);
        }
        return out;
    }

    private static List<Map<String, Object>> arms(int count, double[] weights) {
        List<Map<String, Object>> arms = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            arms.add(Map.of("key", "v" + i, "value", "value-" + i, "weight", weights == null
                    ? 1.0 / count
                    : weights[i]));
        }
        return arms;
    }

    private static Map<String, String> environment(String key) {
        return Map.of("GATEWAY_URL", Platform.gatewayUrl(), "FLYWHEEL_KEY", key);
    }

    private static String experiments(String environment) {
        return "/api/v1/projects/" + project + "/environments/" + environment + "/experiments/";
    }

    private static void run(String environment, String key, Map<String, Object> definition) {
        asAdmin().body(definition).when().put(experiments(environment) + key).then().statusCode(201);
        asAdmin().body(Map.of("status", "running")).when().post(experiments(environment) + key + "/status")
                .then().statusCode(200);
    }

    private static RequestSpecification asAdmin() {
        return given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON);
    }

    @AfterAll
    static void done() {
        users = null;
        assigned = null;
    }
}
