package dev.flywheel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class GrowthBookFeaturesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Object json(String text) throws Exception {
        return JSON.readValue(text, Object.class);
    }

    @Test
    void conditionsTranslateToGrowthBooksOperators() throws Exception {
        assertEquals(Map.of("country", Map.of("$eq", "NL")),
                GrowthBookFeatures.condition(json("{\"==\": [{\"var\": \"country\"}, \"NL\"]}")));
        assertEquals(Map.of("age", Map.of("$gt", 17)),
                GrowthBookFeatures.condition(json("{\"<\": [17, {\"var\": \"age\"}]}")));
        assertEquals(Map.of("$and", List.of(Map.of("plan", Map.of("$in", List.of("pro", "team"))),
                Map.of("$not", Map.of("email", Map.of("$regex", "@example\\.com$"))))),
                GrowthBookFeatures.condition(json("{\"and\": [{\"in\": [{\"var\": \"plan\"}, [\"pro\", \"team\"]]},"
                        + "{\"!\": {\"ends_with\": [{\"var\": \"email\"}, \"@example.com\"]}}]}")));
        assertEquals(Map.of("app.version", Map.of("$vgte", "2.1.0")),
                GrowthBookFeatures.condition(json("{\"sem_ver\": [{\"var\": \"app.version\"}, \">=\", \"2.1.0\"]}")));
    }

    @Test
    void whatGrowthBookCannotExpressIsNamed() {
        for (String logic : List.of("{\"var\": \"beta\"}", "{\"fractional\": [[\"a\", 50], [\"b\", 50]]}",
                "{\"in\": [\"x\", {\"var\": \"tags\"}]}", "{\"sem_ver\": [{\"var\": \"v\"}, \"^\", \"1.0.0\"]}",
                "{\"==\": [{\"var\": \"a\"}, {\"var\": \"b\"}]}", "{\"==\": [{\"var\": [\"a\", \"x\"]}, 1]}",
                "{\"==\": [{\"var\": \"$weird\"}, 1]}")) {
            assertThrows(GrowthBookFeatures.Untranslatable.class, () -> GrowthBookFeatures.condition(json(logic)),
                    logic);
        }
    }

    @Test
    void experimentsBecomeFeaturesWithOneRuleAndTheRestIsListed() throws Exception {
        ExperimentSet set = ExperimentSet.compile("project-1", 0.1, List.of(
                new ExperimentSet.Stored("checkout", """
                        {"variations": [{"key": "control", "value": "a", "weight": 0.3},
                                        {"key": "treatment", "value": "b", "weight": 0.7}],
                         "coverage": 0.8, "hashVersion": 2, "namespace": {"id": "ns", "start": 0, "end": 0.5},
                         "condition": {"==": [{"var": "country"}, "NL"]},
                         "forcedVariations": {"qa-user": "treatment"}}""", ExperimentStatus.RUNNING, null),
                new ExperimentSet.Stored("scheduled",
                        """
                                {"variations": [{"key": "a", "value": 1, "weight": 0.5}, {"key": "b", "value": 2, "weight": 0.5}],
                                 "schedule": {"startAt": "2026-01-01T00:00:00Z"}}""",
                        ExperimentStatus.RUNNING, null),
                new ExperimentSet.Stored("shipped",
                        """
                                {"variations": [{"key": "a", "value": 1, "weight": 0.5}, {"key": "b", "value": 2, "weight": 0.5}]}""",
                        ExperimentStatus.STOPPED, "b")),
                (key, problem) -> {
                    throw new AssertionError(key + ": " + problem);
                });
        GrowthBookFeatures.Payload payload = GrowthBookFeatures.of(set);
        assertEquals(List.of(new GrowthBookFeatures.Unservable("scheduled",
                "a schedule (startAt/endAt): GrowthBook rules have none")), payload.unservable());
        @SuppressWarnings("unchecked")
        Map<String, Object> checkout = (Map<String, Object>) payload.features().get("checkout");
        assertEquals("a", checkout.get("defaultValue"));
        List<?> rules = (List<?>) checkout.get("rules");
        assertEquals(Map.of("condition", Map.of("id", Map.of("$in", List.of("qa-user"))), "force", "b"),
                rules.get(0));
        Map<?, ?> experiment = (Map<?, ?>) rules.get(1);
        assertEquals(List.of("a", "b"), experiment.get("variations"));
        assertEquals(List.of(0.3, 0.7), experiment.get("weights"));
        assertEquals(0.8, experiment.get("coverage"));
        assertEquals("checkout", experiment.get("seed"));
        // the holdout and the namespace as filters (GrowthBook skips the namespace when a rule has filters)
        assertEquals(List.of(
                Map.of("attribute", "id", "seed", "__ns", "hashVersion", 1, "ranges", List.of(List.of(0.0, 0.5))),
                Map.of("attribute", "id", "seed", "__holdout__project-1", "hashVersion", 2, "ranges",
                        List.of(List.of(0.1, 1.0)))),
                experiment.get("filters"));
        assertTrue(!experiment.containsKey("namespace"));
        assertEquals("[{\"force\":2}]", JSON.writeValueAsString(((Map<?, ?>) payload.features().get("shipped"))
                .get("rules")));
    }
}
