package dev.flywheel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/**
 * What a hash attribute's value becomes, against GrowthBook's JavaScript SDK (answers in a test resource): falsy values
 * are no hash value, others are hashed as JavaScript's String(value). An empty array is the one recorded departure.
 */
class GrowthBookHashValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = GrowthBookHashValuesTest.class.getResourceAsStream("/growthbook-hash-values.json")) {
            List<Map<String, Object>> cases = (List<Map<String, Object>>) JSON.readValue(in, Map.class).get("cases");
            return cases.stream().map(c -> Arguments.of(JSON.valueToTree(c.get("id")).toString(), c));
        }
    }

    @ParameterizedTest(name = "id = {0}")
    @MethodSource("cases")
    void hashesTheValueGrowthBookHashes(String shown, Map<String, Object> c) throws Exception {
        Object id = switch (String.valueOf(c.get("id"))) {
            case "NaN" -> Double.NaN;
            case "-0" -> -0.0;
            default -> c.get("id");
        };
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("id", id);
        boolean emptyArray = id instanceof List<?> list && list.isEmpty();
        Experiment experiment = Experiment.of(ExperimentDefinition.parse("hash-values", Map.of("variations", List.of(
                Map.of("key", "0", "value", 0), Map.of("key", "1", "value", 1), Map.of("key", "2", "value", 2),
                Map.of("key", "3", "value", 3)), "hashVersion", 2)), ExperimentStatus.RUNNING, null);
        Assignment result = Assigner.assign(experiment, new UserContext(attributes, null, Instant.now()),
                StickyBuckets.NONE, Holdout.NONE);
        if (emptyArray) {
            // deliberate: GrowthBook would hash "" (every such user in one bucket); no hash value is safer
            assertEquals(false, result.inExperiment());
            return;
        }
        assertEquals(c.get("inExperiment"), result.inExperiment(), "inExperiment");
        assertEquals(c.get("hashUsed"), result.hashUsed(), "hashUsed");
        assertEquals(c.get("hashValue"), result.hashValue(), "hashValue");
        assertEquals(((Number) c.get("value")).intValue(), ((Number) result.value()).intValue(), "variation");
    }
}
