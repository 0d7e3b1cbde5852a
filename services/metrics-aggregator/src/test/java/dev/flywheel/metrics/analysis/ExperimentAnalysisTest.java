package dev.flywheel.metrics.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.MetricType;
import dev.flywheel.stats.BayesianInference;
import dev.flywheel.stats.Difference;
import dev.flywheel.stats.FrequentistInference;
import dev.flywheel.stats.MultipleTesting;

/** Results from plain sums and options: no database, every case a row. */
class ExperimentAnalysisTest {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final ExperimentAnalysis.Arms TWO_ARMS = new ExperimentAnalysis.Arms(
            List.of("control", "treatment"), 2000, false, 0.5);

    static ResultOptions options(Difference difference, MultipleTesting.Correction correction) {
        return new ResultOptions(0, difference, FrequentistInference.DEFAULT_ALPHA, false,
                FrequentistInference.DEFAULT_SEQUENTIAL_TUNING, correction, BayesianInference.Prior.FLAT, 0);
    }

    static ExperimentMetric metric(String key, MetricType type) {
        return ExperimentMetric.newBuilder().setKey(key).setName(key).setType(type).build();
    }

    /** Sums of a binary metric: {@code conversions} of {@code units} (x = x² for 0/1 values). */
    static Sums converted(long units, long conversions) {
        return new Sums(units, conversions, conversions, 0, 0, 0, 0, 0, 0, 0, null);
    }

    /** Sums of a numeric metric with the given per-unit values. */
    static Sums values(double... perUnit) {
        double x = 0;
        double xx = 0;
        for (double v : perUnit) {
            x += v;
            xx += v * v;
        }
        return new Sums(perUnit.length, x, xx, 0, 0, 0, 0, 0, 0, 0, null);
    }

    static ExperimentSums sums(ExperimentMetric metric, Sums control, Sums treatment) {
        return new ExperimentSums(List.of(metric), Map.of(metric.getKey(), true),
                Map.of(metric.getKey(), Map.of(0, control, 1, treatment)), Map.of(), START,
                START.plusSeconds(2 * 86_400));
    }

    static Stream<Arguments> comparisons() {
        return Stream.of(
                // name, type, control, treatment, difference, expected estimate or no-result reason
                Arguments.of("conversion, relative", MetricType.METRIC_TYPE_CONVERSION, converted(1000, 100),
                        converted(1000, 130), Difference.RELATIVE, 0.3, null),
                Arguments.of("conversion, absolute", MetricType.METRIC_TYPE_CONVERSION, converted(1000, 100),
                        converted(1000, 130), Difference.ABSOLUTE, 0.03, null),
                Arguments.of("count, relative", MetricType.METRIC_TYPE_COUNT, values(1, 2, 3, 2),
                        values(2, 3, 4, 3), Difference.RELATIVE, 0.5, null),
                Arguments.of("no units in the treatment", MetricType.METRIC_TYPE_CONVERSION, converted(1000, 100),
                        Sums.NONE, Difference.RELATIVE, 0.0, "NOT_ENOUGH_DATA"),
                Arguments.of("nothing varies", MetricType.METRIC_TYPE_COUNT, values(1, 1, 1), values(1, 1, 1),
                        Difference.RELATIVE, 0.0, "ZERO_VARIANCE"),
                Arguments.of("control mean zero", MetricType.METRIC_TYPE_COUNT, values(-1, 1, 0), values(1, 2, 3),
                        Difference.RELATIVE, 0.0, "CONTROL_MEAN_ZERO"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("comparisons")
    void comparesEachVariationWithTheControl(String name, MetricType type, Sums control, Sums treatment,
            Difference difference, double estimate, String noResult) {
        ExperimentMetric metric = metric("m", type);
        ExperimentAnalysis.Results results = ExperimentAnalysis.analyse(TWO_ARMS,
                sums(metric, control, treatment), List.of(metric),
                options(difference, MultipleTesting.Correction.HOLM));
        List<ExperimentAnalysis.Arm> arms = results.metrics().get(0).arms();
        assertTrue(arms.get(0).control());
        assertNull(arms.get(0).comparison());
        ExperimentAnalysis.Comparison comparison = arms.get(1).comparison();
        assertEquals(noResult, comparison.noResult(), name);
        if (noResult == null) {
            assertEquals(estimate, comparison.estimate(), 1e-12, name);
            assertTrue(comparison.lower() < estimate && estimate < comparison.upper(), name);
            assertTrue(comparison.pValue() > 0 && comparison.pValue() < 1, name);
            // one goal comparison: Holm leaves its p-value as it is
            assertEquals(comparison.pValue(), comparison.adjustedPValue(), 1e-12, name);
            assertTrue(comparison.chanceToWin() > 0.5, name);
        } else {
            assertEquals(0, comparison.estimate(), name);
        }
        assertEquals(control.units(), arms.get(0).units());
        assertEquals(treatment.units(), arms.get(1).units());
    }

    @Test
    void goalMetricsAreCorrectedTogetherAndGuardrailsAreNot() {
        ExperimentMetric first = metric("first", MetricType.METRIC_TYPE_CONVERSION);
        ExperimentMetric second = metric("second", MetricType.METRIC_TYPE_CONVERSION);
        ExperimentMetric guardrail = metric("guardrail", MetricType.METRIC_TYPE_CONVERSION).toBuilder()
                .setGuardrail(true).build();
        Map<Integer, Sums> sums = Map.of(0, converted(1000, 100), 1, converted(1000, 125));
        ExperimentSums stored = new ExperimentSums(List.of(first, second, guardrail),
                Map.of("first", true, "second", true, "guardrail", true),
                Map.of("first", sums, "second", sums, "guardrail", sums), Map.of(), START, START);
        for (var correction : MultipleTesting.Correction.values()) {
            var results = ExperimentAnalysis.analyse(TWO_ARMS, stored, List.of(first, second, guardrail),
                    options(Difference.RELATIVE, correction));
            var goal = results.metrics().get(0).arms().get(1).comparison();
            var guard = results.metrics().get(2).arms().get(1).comparison();
            double expected = switch (correction) {
                case NONE -> goal.pValue();
                // two equal p-values: Holm doubles the smaller, Benjamini-Hochberg keeps them (2/2 * p)
                case HOLM -> Math.min(1, 2 * goal.pValue());
                case BENJAMINI_HOCHBERG -> goal.pValue();
            };
            assertEquals(expected, goal.adjustedPValue(), 1e-12, correction.name());
            assertEquals(goal.adjustedPValue() < 0.05, goal.significant(), correction.name());
            assertEquals(guard.pValue(), guard.adjustedPValue(), 1e-12, "guardrails are not corrected");
            if (correction == MultipleTesting.Correction.NONE) {
                assertEquals(goal.lower(), goal.adjustedLower(), 1e-12);
            }
        }
    }

    @Test
    void warnsOfMismatchedSplitsPartialMetricsAndMissingCaps() {
        ExperimentMetric partial = metric("partial", MetricType.METRIC_TYPE_CONVERSION);
        ExperimentMetric winsorised = metric("winsorised", MetricType.METRIC_TYPE_SUM).toBuilder()
                .setWinsorizePercentile(0.99).build();
        Map<Integer, Sums> sums = Map.of(0, values(1, 2, 3), 1, values(2, 3, 4));
        ExperimentSums stored = new ExperimentSums(List.of(partial, winsorised),
                Map.of("partial", false, "winsorised", true), Map.of("partial", sums, "winsorised", sums),
                Map.of(), null, null);
        var results = ExperimentAnalysis.analyse(new ExperimentAnalysis.Arms(List.of("a", "b"), 6, true, 1e-6),
                stored, List.of(partial, winsorised), options(Difference.RELATIVE, MultipleTesting.Correction.HOLM));
        assertEquals(3, results.warnings().size(), results.warnings()::toString);
        assertTrue(results.warnings().get(0).startsWith("Sample ratio mismatch"));
        assertTrue(results.warnings().get(1).contains("'partial' is still being computed"));
        assertTrue(results.warnings().get(2).contains("'winsorised' is winsorised but its cap"));
        assertFalse(results.metrics().get(0).complete());
        assertEquals(0, results.unitsPerDay(), "no exposure span yet");
    }

    @Test
    void cappedSumsReplaceTheRawOnesOnceComputed() {
        ExperimentMetric winsorised = metric("revenue", MetricType.METRIC_TYPE_SUM).toBuilder()
                .setWinsorizePercentile(0.99).build();
        Instant computed = START.plusSeconds(3600);
        Sums cappedControl = new Sums(3, 6, 14, 0, 0, 0, 0, 0, 0, 3, computed);
        Sums cappedTreatment = new Sums(3, 9, 29, 0, 0, 0, 0, 0, 0, 3, computed);
        ExperimentSums stored = new ExperimentSums(List.of(winsorised), Map.of("revenue", true),
                Map.of("revenue", Map.of(0, values(1, 2, 300), 1, values(2, 3, 400))),
                Map.of("revenue", Map.of(0, cappedControl, 1, cappedTreatment)), START,
                START.plusSeconds(43_200));
        var results = ExperimentAnalysis.analyse(new ExperimentAnalysis.Arms(List.of("a", "b"), 6, false, 1),
                stored, List.of(winsorised), options(Difference.ABSOLUTE, MultipleTesting.Correction.NONE));
        var metric = results.metrics().get(0);
        assertEquals(3, metric.cap());
        assertEquals(computed, metric.capAsOf());
        assertEquals(6, metric.arms().get(0).numeratorSum());
        assertEquals(1.0, metric.arms().get(1).comparison().estimate(), 1e-12);
        assertTrue(results.warnings().isEmpty());
        // half a day of exposures counts as a day
        assertEquals(6, results.unitsPerDay(), 1e-12);
    }

    @Test
    void unitsPerDayCountTheSpanOfExposures() {
        assertEquals(500, ExperimentAnalysis.unitsPerDay(1000, START, START.plusSeconds(2 * 86_400)), 1e-12);
        assertEquals(1000, ExperimentAnalysis.unitsPerDay(1000, START, START), 1e-12);
        assertEquals(0, ExperimentAnalysis.unitsPerDay(1000, null, START));
    }
}
