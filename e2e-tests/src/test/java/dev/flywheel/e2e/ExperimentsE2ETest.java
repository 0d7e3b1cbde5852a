package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
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
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.experiments.v1.AssignAllRequest;
import dev.flywheel.proto.experiments.v1.Assignment;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc.ExperimentAssignmentServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.restassured.http.ContentType;

/**
 * Experiments through the whole platform: defined and started over REST, assigned over gRPC and REST, compared user
 * by user with npm {@code @growthbook/growthbook} on the same experiments, exposures on the event topic.
 */
@ExtendWith(Platform.class)
class ExperimentsE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int USERS = 2_000;

    static String project;
    static String admin;
    static String serverKey;
    static String clientKey;
    static ManagedChannel channel;

    /** Each case: the GrowthBook experiment and the Flywheel definition that means the same. */
    static final List<Map<String, Object>> GROWTHBOOK = new ArrayList<>();
    static final List<Map<String, Object>> FLYWHEEL = new ArrayList<>();
    static final List<String> KEYS = new ArrayList<>();

    static {
        experiment("gb-even", 2, null, null, 2, null, null, null, null);
        experiment("gb-weighted", 3, new double[]{0.2, 0.3, 0.5}, 0.6, 1, null, null, null, null);
        experiment("gb-ns-low", 2, null, null, 2, "shared-seed", new Object[]{"checkout", 0, 0.5}, null, null);
        experiment("gb-ns-high", 2, null, 0.8, 1, null, new Object[]{"checkout", 0.5, 1}, null, null);
        experiment("gb-filtered", 4, null, null, 2, null, null,
                List.of(Map.of("seed", "slice", "ranges", List.of(List.of(0, 0.3), List.of(0.5, 0.9)))), null);
        experiment("gb-targeted", 2, new double[]{0.7, 0.3}, null, 2, null, null, null, "NL");
    }

    static void experiment(String key, int arms, double[] weights, Double coverage, int hashVersion, String seed,
            Object[] namespace, List<Map<String, Object>> filters, String country) {
        Map<String, Object> gb = new LinkedHashMap<>();
        Map<String, Object> fw = new LinkedHashMap<>();
        gb.put("key", key);
        List<Object> values = new ArrayList<>();
        List<Map<String, Object>> variations = new ArrayList<>();
        for (int i = 0; i < arms; i++) {
            values.add("value-" + i);
            Map<String, Object> v = new LinkedHashMap<>(Map.of("key", "v" + i, "value", "value-" + i));
            if (weights != null) {
                v.put("weight", weights[i]);
            }
            variations.add(v);
        }
        gb.put("variations", values);
        fw.put("variations", variations);
        if (weights != null) {
            gb.put("weights", weights);
        }
        if (coverage != null) {
            gb.put("coverage", coverage);
            fw.put("coverage", coverage);
        }
        gb.put("hashVersion", hashVersion);
        fw.put("hashVersion", hashVersion);
        if (seed != null) {
            gb.put("seed", seed);
            fw.put("seed", seed);
        }
        if (namespace != null) {
            gb.put("namespace", List.of(namespace));
            fw.put("namespace", Map.of("id", namespace[0], "start", namespace[1], "end", namespace[2]));
        }
        if (filters != null) {
            gb.put("filters", filters);
            fw.put("filters", filters);
        }
        if (country != null) {
            gb.put("condition", Map.of("country", country));
            fw.put("condition", Map.of("==", List.of(Map.of("var", "country"), country)));
        }
        GROWTHBOOK.add(gb);
        FLYWHEEL.add(fw);
        KEYS.add(key);
    }

    @BeforeAll
    static void setUp() throws Exception {
        project = Tenants.project("experiments");
        admin = Tenants.key(project, "admin", null);
        serverKey = Tenants.key(project, "server", "production");
        clientKey = Tenants.key(project, "client", "production");
        for (int i = 0; i < KEYS.size(); i++) {
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(FLYWHEEL.get(i))
                    .when().put(experiments() + "/" + KEYS.get(i))
                    .then().statusCode(201);
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("status", "running"))
                    .when().post(experiments() + "/" + KEYS.get(i) + "/status")
                    .then().statusCode(200);
        }
        URI grpc = Platform.settings().containsKey("FLYWHEEL_ASSIGNMENT_GRPC_URL")
                ? Platform.serviceUri("ASSIGNMENT_GRPC")
                : URI.create("http://127.0.0.1:9083");
        channel = ManagedChannelBuilder.forAddress(grpc.getHost(), grpc.getPort()).usePlaintext().build();
    }

    @AfterAll
    static void tearDown() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    static String experiments() {
        return "/api/v1/projects/" + project + "/environments/production/experiments";
    }

    ExperimentAssignmentServiceBlockingStub assigner() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + serverKey);
        return ExperimentAssignmentServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** Random users: ASCII, accented and astral-plane ids (UTF-16 surrogates hash as two code units), numbers. */
    static List<Map<String, Object>> users(long seed) {
        Random random = new Random(seed);
        String[] countries = {"NL", "BE", "US"};
        String[] flavours = {"user-", "ü-", "用户", "😀-"};
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String id = flavours[random.nextInt(flavours.length)] + Long.toString(random.nextLong() >>> 1, 36);
            users.add(Map.of("id", id, "country", countries[random.nextInt(countries.length)]));
        }
        return users;
    }

    @Test
    void everyUserGetsTheVariationGrowthBookGives() throws Exception {
        List<Map<String, Object>> users = users(20261123L);
        JsonNode reference = growthBook(users);
        int compared = 0;
        int inExperiment = 0;
        for (int u = 0; u < users.size(); u++) {
            Map<String, Assignment> ours = new LinkedHashMap<>();
            for (Assignment a : assigner().assignAll(AssignAllRequest.newBuilder()
                    .setAttributes(struct(users.get(u))).build()).getAssignmentsList()) {
                ours.put(a.getExperimentKey(), a);
            }
            for (int e = 0; e < KEYS.size(); e++) {
                JsonNode expected = reference.get(u).get(e);
                Assignment actual = ours.get(KEYS.get(e));
                String where = KEYS.get(e) + " for " + users.get(u);
                assertEquals(expected.get(0).asBoolean(), actual.getInExperiment(), "inExperiment " + where);
                if (actual.getInExperiment()) {
                    assertEquals(expected.get(1).asInt(), actual.getVariationIndex(), "variation " + where);
                    inExperiment++;
                }
                compared++;
            }
        }
        assertEquals(USERS * KEYS.size(), compared);
        assertTrue(inExperiment > compared / 3, "most answers put users in an experiment: " + inExperiment);
    }

    @Test
    void browsersGetTheSameAnswersOverRestWithAClientKeyAndExposuresAreSentOnce() throws Exception {
        List<Map<String, Object>> users = users(7L).subList(0, 50);
        JsonNode reference = growthBook(users);
        int exposed = 0;
        for (int u = 0; u < users.size(); u++) {
            for (int repeat = 0; repeat < 2; repeat++) {
                JsonNode answer = JSON.readTree(given().auth().oauth2(clientKey).contentType(ContentType.JSON)
                        .body(Map.of("attributes", users.get(u)))
                        .when().post("/api/v1/assign/gb-even")
                        .then().statusCode(200).extract().asString());
                assertEquals(reference.get(u).get(0).get(1).asInt(), answer.get("variationIndex").asInt());
                assertEquals("value-" + answer.get("variationIndex").asInt(), answer.get("value").asText());
                assertTrue(List.of("hashed", "sticky").contains(answer.get("reason").asText()), answer::toString);
            }
            exposed++;
        }
        // gb-even covers everyone: one exposure per user, however often they were assigned (over gRPC too)
        Map<String, Integer> perUser = new LinkedHashMap<>();
        for (var event : KafkaEvents.allEvents(project, e -> e.getName().equals("$exposure")
                && e.getProperties().getFieldsOrThrow("experiment_key").getStringValue().equals("gb-even"),
                Duration.ofSeconds(3))) {
            perUser.merge(event.getDistinctId(), 1, Integer::sum);
        }
        for (Map<String, Object> user : users) {
            assertEquals(1, perUser.getOrDefault((String) user.get("id"), 0), "exposures of " + user);
        }
        assertTrue(exposed == users.size());
        // The exposures reached the metrics-aggregator: units per variation against the 50/50 split, no mismatch.
        String health = "/api/v1/projects/" + project + "/environments/production/experiments/gb-even/health";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode report = null;
        while (System.nanoTime() < deadline) {
            var response = given().auth().oauth2(admin).when().get(health);
            if (response.statusCode() == 200) {
                report = JSON.readTree(response.asString());
                if (report.get("totalUnits").asInt() == perUser.size()) {
                    break;
                }
            }
            Thread.sleep(500);
        }
        assertNotNull(report, "no health report for gb-even");
        assertEquals(perUser.size(), report.get("totalUnits").asInt(), report::toString);
        assertEquals(0.5, report.get("variations").get(0).get("expectedShare").asDouble(), 1e-9);
        assertFalse(report.get("sampleRatioMismatch").asBoolean(), report::toString);
        given().auth().oauth2(clientKey).contentType(ContentType.JSON).body("{\"attributes\": 1}")
                .when().post("/api/v1/assign").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(clientKey).contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/assign/no-such-experiment").then().statusCode(404);
    }

    static JsonNode growthBook(List<Map<String, Object>> users) throws Exception {
        return JSON.readTree(NodeClients.run("growthbook-assign.mjs", Map.of(),
                JSON.writeValueAsBytes(Map.of("experiments", GROWTHBOOK, "users", users)), Duration.ofMinutes(2)));
    }

    static Struct struct(Map<String, Object> attributes) {
        Struct.Builder struct = Struct.newBuilder();
        attributes.forEach((k, v) -> struct.putFields(k, Value.newBuilder().setStringValue((String) v).build()));
        return struct.build();
    }
}
