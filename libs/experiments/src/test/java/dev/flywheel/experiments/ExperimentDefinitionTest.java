package dev.flywheel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExperimentDefinitionTest {

    private static List<String> problems(String key, String json) {
        return assertThrows(ExperimentDefinitionException.class, () -> ExperimentDefinition.parse(key, json))
                .problems();
    }

    @Test
    void defaultsFollowTheDocumentation() throws Exception {
        ExperimentDefinition d = ExperimentDefinition.parse("exp",
                "{\"variations\": [{\"key\": \"a\"}, {\"key\": \"b\"}]}");
        assertEquals("id", d.hashAttribute());
        assertEquals(2, d.hashVersion());
        assertEquals("exp", d.seed());
        assertEquals(1.0, d.coverage());
        assertEquals(0.5, d.weights()[1]);
        assertTrue(d.stickyBucketing());
        assertEquals("{\"variations\":[{\"key\":\"a\"},{\"key\":\"b\"}]}", d.toJson());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"variations": [{"key": "a"}]}                                              | /variations: between 2
            {"variations": [{"key": "a"}, {"key": "a"}]}                                | /variations/1/key: 'a' is used
            {"variations": [{"key": "a", "weight": 0.2}, {"key": "b", "weight": 0.2}]}  | /variations: weights must sum to 1
            {"variations": [{"key": "a", "weight": 1}, {"key": "b"}]}                   | /variations: give every variation
            {"variations": [{"key": "a"}, {"key": "b"}], "coverage": 1.5}               | /coverage: must be between 0 and 1
            {"variations": [{"key": "a"}, {"key": "b"}], "hashVersion": 3}              | /hashVersion: must be 1 or 2
            {"variations": [{"key": "a"}, {"key": "b"}], "namespace": {"id": "n", "start": 0.5, "end": 0.2}} | /namespace: needs
            {"variations": [{"key": "a"}, {"key": "b"}], "ranges": [[0, 0.5]]}          | /ranges: one range per variation
            {"variations": [{"key": "a"}, {"key": "b"}], "condition": {"nope": [1]}}    | /condition:
            {"variations": [{"key": "a"}, {"key": "b"}], "forcedVariations": {"u1": "c"}} | /forcedVariations/u1: must name a variation
            {"variations": [{"key": "a"}, {"key": "b"}], "bucketVersion": 1, "minBucketVersion": 2} | /minBucketVersion: cannot exceed
            {"variations": [{"key": "a"}, {"key": "b"}], "schedule": {"startAt": "tomorrow"}} | /schedule/startAt: an ISO-8601
            {"variations": [{"key": "a"}, {"key": "b"}], "filters": [{"ranges": [[0, 1]]}]} | /filters/0/seed: required
            {"variations": [{"key": "a"}, {"key": "b"}], "metrics": {"primary": "revenue"}} | /metrics/primary: a list
            {"variations": [{"key": "a"}, {"key": "b"}], "covrage": 0.5}                | /covrage: unknown property
            [1, 2]                                                                      | /: an experiment definition must be a JSON object
            {"variations": [                                                            | /: not valid JSON
            """)
    void rejectsEachMistakeByItsPointer(String json, String expected) {
        List<String> problems = problems("exp", json);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(expected)), problems.toString());
    }

    @Test
    void reportsEveryProblemAtOnceIncludingABadKey() {
        List<String> problems = problems("-bad key", "{\"variations\": [], \"coverage\": \"all\"}");
        assertEquals(3, problems.size(), problems.toString());
    }

    @Test
    void aReleasedVariationMustExist() throws Exception {
        ExperimentDefinition d = ExperimentDefinition.parse("exp",
                "{\"variations\": [{\"key\": \"a\"}, {\"key\": \"b\"}]}");
        assertThrows(IllegalArgumentException.class, () -> Experiment.of(d, ExperimentStatus.STOPPED, "c"));
    }

    @Test
    void statusesOnlyMoveForward() {
        assertTrue(ExperimentStatus.DRAFT.canBecome(ExperimentStatus.RUNNING));
        assertTrue(ExperimentStatus.RUNNING.canBecome(ExperimentStatus.STOPPED));
        assertTrue(!ExperimentStatus.STOPPED.canBecome(ExperimentStatus.RUNNING));
        assertTrue(!ExperimentStatus.RUNNING.canBecome(ExperimentStatus.DRAFT));
    }
}
