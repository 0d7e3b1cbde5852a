package dev.flywheel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AssignerTest {

    private static final String TWO_ARMS = """
            {"variations": [{"key": "control", "value": "blue"}, {"key": "treatment", "value": "green"}]""";

    private static Experiment experiment(String extra, ExperimentStatus status, String released) throws Exception {
        return Experiment.of(ExperimentDefinition.parse("checkout", TWO_ARMS + extra + "}"), status, released);
    }

    private static Assignment assign(Experiment experiment, Map<String, Object> attributes) {
        return Assigner.assign(experiment, new UserContext(attributes, null, Instant.parse("2026-06-01T00:00:00Z")),
                StickyBuckets.NONE, Holdout.NONE);
    }

    @Test
    void hashesAUserIntoAVariationAndAsksToStoreIt() throws Exception {
        Assignment a = assign(experiment("", ExperimentStatus.RUNNING, null), Map.of("id", "user-1"));
        assertTrue(a.inExperiment());
        assertTrue(a.exposure());
        assertEquals(AssignmentReason.HASHED, a.reason());
        assertNotNull(a.stickyWrite());
        assertEquals("checkout__0", a.stickyWrite().field());
        assertEquals(a.variationKey(), a.stickyWrite().variationKey());
    }

    @Test
    void draftAndStoppedExperimentsServeTheControlOutsideTheExperiment() throws Exception {
        for (ExperimentStatus status : new ExperimentStatus[]{ExperimentStatus.DRAFT, ExperimentStatus.STOPPED}) {
            Assignment a = assign(experiment("", status, null), Map.of("id", "user-1"));
            assertFalse(a.inExperiment());
            assertEquals("control", a.variationKey());
            assertEquals(AssignmentReason.NOT_RUNNING, a.reason());
        }
    }

    @Test
    void aReleasedWinnerGoesToEveryTargetedUserWithoutExposure() throws Exception {
        Experiment stopped = experiment(", \"condition\": {\"==\": [{\"var\": \"country\"}, \"NL\"]}",
                ExperimentStatus.STOPPED, "treatment");
        Assignment dutch = assign(stopped, Map.of("country", "NL"));
        assertEquals("treatment", dutch.variationKey());
        assertEquals(AssignmentReason.RELEASED, dutch.reason());
        assertFalse(dutch.exposure());
        assertEquals(AssignmentReason.TARGETING, assign(stopped, Map.of("id", "u", "country", "BE")).reason());
    }

    @Test
    void theScheduleBoundsARunningExperiment() throws Exception {
        Experiment scheduled = experiment(
                ", \"schedule\": {\"startAt\": \"2026-07-01T00:00:00Z\", \"endAt\": \"2026-08-01T00:00:00Z\"}",
                ExperimentStatus.RUNNING, null);
        assertEquals(AssignmentReason.NOT_RUNNING, assign(scheduled, Map.of("id", "u")).reason());
        Assignment during = Assigner.assign(scheduled,
                new UserContext(Map.of("id", "u"), null, Instant.parse("2026-07-15T00:00:00Z")), StickyBuckets.NONE,
                Holdout.NONE);
        assertTrue(during.inExperiment());
    }

    @Test
    void qaOverridesWinOverEverythingButAreNotExposures() throws Exception {
        Experiment forced = experiment(", \"forcedVariations\": {\"qa-1\": \"treatment\"}", ExperimentStatus.DRAFT,
                null);
        Assignment a = assign(forced, Map.of("id", "qa-1"));
        assertEquals("treatment", a.variationKey());
        assertEquals(AssignmentReason.FORCED, a.reason());
        assertTrue(a.inExperiment());
        assertFalse(a.exposure());

        Experiment running = experiment("", ExperimentStatus.RUNNING, null);
        Assignment url = Assigner.assign(running,
                new UserContext(Map.of("id", "u"), "https://shop.example/cart?checkout=1", null), StickyBuckets.NONE,
                Holdout.NONE);
        assertEquals("treatment", url.variationKey());
        assertEquals(AssignmentReason.FORCED, url.reason());

        Experiment locked = experiment(", \"urlOverrides\": false", ExperimentStatus.RUNNING, null);
        Assignment ignored = Assigner.assign(locked,
                new UserContext(Map.of("id", "user-1"), "https://shop.example/cart?checkout=1", null),
                StickyBuckets.NONE, Holdout.NONE);
        assertEquals(AssignmentReason.HASHED, ignored.reason());
    }

    @Test
    void theHoldoutKeepsTheSameUsersOutOfEveryExperiment() throws Exception {
        Holdout holdout = Holdout.of("project-a", 0.1);
        Experiment one = experiment("", ExperimentStatus.RUNNING, null);
        Experiment two = Experiment.of(ExperimentDefinition.parse("pricing", TWO_ARMS + "}"), ExperimentStatus.RUNNING,
                null);
        int held = 0;
        for (int i = 0; i < 10_000; i++) {
            UserContext user = new UserContext(Map.of("id", "user-" + i), null, null);
            Assignment a = Assigner.assign(one, user, StickyBuckets.NONE, holdout);
            Assignment b = Assigner.assign(two, user, StickyBuckets.NONE, holdout);
            assertEquals(a.reason() == AssignmentReason.HOLDOUT, b.reason() == AssignmentReason.HOLDOUT);
            held += a.reason() == AssignmentReason.HOLDOUT ? 1 : 0;
        }
        assertTrue(held > 900 && held < 1100, "about 10% held out: " + held);
    }

    @Test
    void missingHashAttributeNamespaceTargetingAndCoverageEachSayWhy() throws Exception {
        assertEquals(AssignmentReason.MISSING_HASH_ATTRIBUTE,
                assign(experiment("", ExperimentStatus.RUNNING, null), Map.of()).reason());
        assertEquals(AssignmentReason.NAMESPACE, assign(experiment(
                ", \"namespace\": {\"id\": \"checkout\", \"start\": 0, \"end\": 0.0001}", ExperimentStatus.RUNNING,
                null), Map.of("id", "user-1")).reason());
        assertEquals(AssignmentReason.TARGETING, assign(experiment(
                ", \"condition\": {\"in\": [{\"var\": \"plan\"}, [\"pro\"]]}", ExperimentStatus.RUNNING, null),
                Map.of("id", "user-1", "plan", "free")).reason());
        assertEquals(AssignmentReason.COVERAGE,
                assign(experiment(", \"coverage\": 0", ExperimentStatus.RUNNING, null), Map.of("id", "u")).reason());
    }

    @Test
    void stickyBucketsKeepAssignmentsWhenWeightsChangeUntilTheBucketVersionIsBumped() throws Exception {
        Map<String, Map<String, String>> store = new HashMap<>();
        StickyBuckets sticky = (attribute, value) -> store.getOrDefault(attribute + "||" + value, Map.of());
        String evenWeights = """
                {"variations": [{"key": "a", "weight": 0.5}, {"key": "b", "weight": 0.5}]}""";
        Map<String, String> first = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            UserContext user = new UserContext(Map.of("id", "u" + i), null, null);
            Assignment a = Assigner.assign(Experiment.of(ExperimentDefinition.parse("exp", evenWeights),
                    ExperimentStatus.RUNNING, null), user, sticky, Holdout.NONE);
            first.put("u" + i, a.variationKey());
            store.computeIfAbsent("id||u" + i, k -> new HashMap<>()).put(a.stickyWrite().field(), a.variationKey());
        }
        Experiment reweighted = Experiment.of(ExperimentDefinition.parse("exp", """
                {"variations": [{"key": "a", "weight": 0.1}, {"key": "b", "weight": 0.9}]}"""),
                ExperimentStatus.RUNNING, null);
        Experiment rebucketed = Experiment.of(ExperimentDefinition.parse("exp", """
                {"variations": [{"key": "a", "weight": 0.1}, {"key": "b", "weight": 0.9}],
                 "bucketVersion": 1, "minBucketVersion": 1}"""), ExperimentStatus.RUNNING, null);
        for (int i = 0; i < 500; i++) {
            UserContext user = new UserContext(Map.of("id", "u" + i), null, null);
            Assignment kept = Assigner.assign(reweighted, user, sticky, Holdout.NONE);
            assertEquals(first.get("u" + i), kept.variationKey());
            assertEquals(AssignmentReason.STICKY, kept.reason());
            assertNull(kept.stickyWrite(), "nothing new to store");
            Assignment blocked = Assigner.assign(rebucketed, user, sticky, Holdout.NONE);
            assertEquals(AssignmentReason.VERSION_BLOCKED, blocked.reason());
        }
    }

    @Test
    void aStoredVariationThatNoLongerExistsCountsAsNone() throws Exception {
        StickyBuckets sticky = (attribute, value) -> Map.of("checkout__0", "removed-arm");
        Assignment a = Assigner.assign(experiment("", ExperimentStatus.RUNNING, null),
                new UserContext(Map.of("id", "user-1"), null, null), sticky, Holdout.NONE);
        assertEquals(AssignmentReason.HASHED, a.reason());
    }

    @Test
    void numericIdsHashAsJavaScriptPrintsThem() throws Exception {
        Experiment e = experiment("", ExperimentStatus.RUNNING, null);
        assertEquals(assign(e, Map.of("id", "123")).variationKey(), assign(e, Map.of("id", 123L)).variationKey());
        assertEquals(assign(e, Map.of("id", "1")).bucket(), assign(e, Map.of("id", 1.0)).bucket());
    }
}
