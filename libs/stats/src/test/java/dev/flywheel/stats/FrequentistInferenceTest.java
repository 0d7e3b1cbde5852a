package dev.flywheel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What gbstats cannot check: the p-values of one-sided sequential tests, which it does not report. */
class FrequentistInferenceTest {

    private static final Statistic CONTROL = new ProportionStatistic(4_000, 400);
    private static final Statistic TREATMENT = new ProportionStatistic(4_000, 470);

    private static double sequentialP(Statistic control, Statistic treatment, Alternative alternative) {
        return FrequentistInference.sequential(control, treatment, Difference.RELATIVE, alternative, 0.05,
                FrequentistInference.DEFAULT_SEQUENTIAL_TUNING).get().pValue();
    }

    @Test
    void aOneSidedSequentialPValueIsHalfTheTwoSidedOneInTheDirectionLookedFor() {
        double twoSided = sequentialP(CONTROL, TREATMENT, Alternative.TWO_SIDED);
        assertTrue(twoSided > 0 && twoSided < 1, "a two-sided p-value strictly inside (0, 1): " + twoSided);
        assertEquals(twoSided / 2, sequentialP(CONTROL, TREATMENT, Alternative.GREATER), 1e-15);
        assertEquals(1 - twoSided / 2, sequentialP(CONTROL, TREATMENT, Alternative.LESSER), 1e-15);
        // the other way round: a decrease, looked for
        double decrease = sequentialP(TREATMENT, CONTROL, Alternative.TWO_SIDED);
        assertEquals(decrease / 2, sequentialP(TREATMENT, CONTROL, Alternative.LESSER), 1e-15);
    }

    @Test
    void aOneSidedSequentialIntervalIsOpenOnTheSideNotLookedFor() {
        FrequentistResult greater = FrequentistInference.sequential(CONTROL, TREATMENT, Difference.ABSOLUTE,
                Alternative.GREATER, 0.05, FrequentistInference.DEFAULT_SEQUENTIAL_TUNING).get();
        assertEquals(Double.POSITIVE_INFINITY, greater.upper());
        assertTrue(greater.lower() < greater.estimate());
        FrequentistResult twoSided = FrequentistInference.sequential(CONTROL, TREATMENT, Difference.ABSOLUTE,
                Alternative.TWO_SIDED, 0.05, FrequentistInference.DEFAULT_SEQUENTIAL_TUNING).get();
        assertTrue(greater.lower() > twoSided.lower(), "the one-sided boundary is tighter than the two-sided one");
    }
}
