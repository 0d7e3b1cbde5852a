package dev.flywheel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** GrowthBook's cross-SDK run and stickyBucket cases, as Flywheel definitions (see the resource's _about). */
class GrowthBookAssignmentCasesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cases() throws IOException {
        try (InputStream in = GrowthBookAssignmentCasesTest.class
                .getResourceAsStream("/growthbook-assignment-cases.json")) {
            return JSON.readValue(in, Map.class);
        }
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> run() throws IOException {
        return ((List<Map<String, Object>>) cases().get("run")).stream()
                .map(c -> Arguments.of(c.get("name"), c));
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> stickyBucket() throws IOException {
        return ((List<Map<String, Object>>) cases().get("stickyBucket")).stream()
                .map(c -> Arguments.of(c.get("name"), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    @SuppressWarnings("unchecked")
    void run(String name, Map<String, Object> c) throws Exception {
        Experiment experiment = Experiment.of(ExperimentDefinition.parse((String) c.get("key"), c.get("definition")),
                ExperimentStatus.valueOf((String) c.get("status")), null);
        UserContext user = new UserContext((Map<String, Object>) c.get("attributes"), (String) c.get("url"),
                Instant.now());
        Assignment result = Assigner.assign(experiment, user, StickyBuckets.NONE, Holdout.NONE);
        Map<String, Object> expected = (Map<String, Object>) c.get("expected");
        assertEquals(expected.get("inExperiment"), result.inExperiment(), "inExperiment");
        assertEquals(expected.get("hashUsed"), result.hashUsed(), "hashUsed");
        assertEquals(JSON.writeValueAsString(expected.get("value")), JSON.writeValueAsString(result.value()), "value");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    @SuppressWarnings("unchecked")
    void stickyBucket(String name, Map<String, Object> c) throws Exception {
        Experiment experiment = Experiment.of(ExperimentDefinition.parse((String) c.get("key"), c.get("definition")),
                ExperimentStatus.RUNNING, null);
        Map<String, Map<String, String>> stored = new HashMap<>((Map<String, Map<String, String>>) c.get("stored"));
        StickyBuckets sticky = (attribute, value) -> stored.getOrDefault(attribute + "||" + value, Map.of());
        UserContext user = new UserContext((Map<String, Object>) c.get("attributes"), null, Instant.now());

        Assignment result = Assigner.assign(experiment, user, sticky, Holdout.NONE);

        Map<String, Object> expected = (Map<String, Object>) c.get("expected");
        if (expected == null) {
            assertFalse(result.inExperiment(), "a blocked bucket version keeps the user out");
            assertEquals(AssignmentReason.VERSION_BLOCKED, result.reason());
            assertNull(result.stickyWrite());
        } else {
            assertEquals(expected.get("inExperiment"), result.inExperiment(), "inExperiment");
            assertEquals(expected.get("hashUsed"), result.hashUsed(), "hashUsed");
            assertEquals(expected.get("key"), result.variationKey(), "variation");
            assertEquals(JSON.writeValueAsString(expected.get("value")), JSON.writeValueAsString(result.value()),
                    "value");
            assertEquals(((Number) expected.get("bucket")).doubleValue(), result.bucket(), 1e-12, "bucket");
            assertEquals(expected.get("hashAttribute"), result.hashAttribute(), "hashAttribute");
            assertEquals(expected.get("hashValue"), result.hashValue(), "hashValue");
            assertEquals(expected.get("stickyBucketUsed"), result.stickyBucketUsed(), "stickyBucketUsed");
        }
        Assignment.StickyWrite write = result.stickyWrite();
        if (write != null) {
            stored.computeIfAbsent(write.attribute() + "||" + write.value(), k -> new HashMap<>());
            Map<String, String> doc = new HashMap<>(stored.get(write.attribute() + "||" + write.value()));
            doc.put(write.field(), write.variationKey());
            stored.put(write.attribute() + "||" + write.value(), doc);
        }
        // GrowthBook lists this user's documents afterwards; another user's document given as input is left alone
        Map<String, Object> after = (Map<String, Object>) c.get("storedAfter");
        if (write != null) {
            assertTrue(after.containsKey(write.attribute() + "||" + write.value()), "written to this user's document");
        }
        stored.keySet().retainAll(after.keySet());
        assertEquals(after, stored, "sticky documents afterwards");
    }
}
