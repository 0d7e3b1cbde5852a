package dev.flywheel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Inputs with no answer get a reason, never NaN; and the results that exist are consistent with each other. */
class DegenerateInputsTest {

    private static final MeanStatistic SOME = new MeanStatistic(100, 50, 40);

    private static NoResult.Reason frequentist(Statistic control, Statistic treatment, Difference difference) {
        Outcome<FrequentistResult> fixed = FrequentistInference.fixed(control, treatment, difference,
                Alternative.TWO_SIDED, 0.05);
        Outcome<FrequentistResult> sequential = FrequentistInference.sequential(control, treatment, difference,
                Alternative.TWO_SIDED, 0.05, 5000);
        Outcome<BayesianResult> bayesian = BayesianInference.run(control, treatment, difference,
                BayesianInference.Prior.FLAT, 0.05, false);
        assertFalse(fixed.hasResult());
        assertEquals(fixed.noResult(), sequential.noResult());
        assertEquals(fixed.noResult(), bayesian.noResult());
        assertFalse(fixed.noResult().message().isBlank());
        return fixed.noResult().reason();
    }

    @Test
    void eachDegenerateInputSaysWhy() {
        assertEquals(NoResult.Reason.NOT_ENOUGH_DATA,
                frequentist(new MeanStatistic(1, 5, 25), SOME, Difference.RELATIVE));
        assertEquals(NoResult.Reason.NOT_ENOUGH_DATA,
                frequentist(new ProportionStatistic(0, 0), new ProportionStatistic(0, 0), Difference.ABSOLUTE));
        assertEquals(NoResult.Reason.ZERO_VARIANCE,
                frequentist(new MeanStatistic(10, 30, 90), SOME, Difference.ABSOLUTE)); // every value 3
        assertEquals(NoResult.Reason.ZERO_VARIANCE,
                frequentist(new ProportionStatistic(50, 50), new ProportionStatistic(50, 20), Difference.ABSOLUTE));
        // Rounding in stored sums can make a variance negative: still no result, not NaN.
        assertEquals(NoResult.Reason.ZERO_VARIANCE,
                frequentist(new MeanStatistic(2, 1396.87, 52377.9767), SOME, Difference.RELATIVE));
        assertEquals(NoResult.Reason.CONTROL_MEAN_ZERO,
                frequentist(new MeanStatistic(10, 0, 40), SOME, Difference.RELATIVE));
        RatioStatistic noDenominator = new RatioStatistic(10, new MeanStatistic(10, 5, 9),
                new MeanStatistic(10, 0, 0), 0);
        assertEquals(NoResult.Reason.DENOMINATOR_ZERO, frequentist(noDenominator, noDenominator,
                Difference.ABSOLUTE));
    }

    @Test
    void aControlMeanOfZeroStillHasAnAbsoluteEffect() {
        MeanStatistic zeroMean = new MeanStatistic(10, 0, 40);
        assertTrue(FrequentistInference.fixed(zeroMean, SOME, Difference.ABSOLUTE, Alternative.TWO_SIDED, 0.05)
                .hasResult());
    }

    @Test
    void intervalsAndPValuesAgree() {
        MeanStatistic control = new MeanStatistic(3000, 1396.87, 52377.9767);
        MeanStatistic treatment = new MeanStatistic(3461, 2422.7, 134698.29);
        for (Difference difference : Difference.values()) {
            for (Alternative alternative : Alternative.values()) {
                for (double alpha : List.of(0.01, 0.05, 0.2)) {
                    FrequentistResult fixed = FrequentistInference.fixed(control, treatment, difference, alternative,
                            alpha).get();
                    FrequentistResult sequential = FrequentistInference.sequential(control, treatment, difference,
                            alternative, alpha, 5000).get();
                    for (FrequentistResult r : List.of(fixed, sequential)) {
                        boolean excludesZero = r.lower() > 0 || r.upper() < 0;
                        assertEquals(excludesZero, r.significant(alpha), difference + " " + alternative + " "
                                + alpha + " " + r);
                        assertTrue(r.pValue() >= 0 && r.pValue() <= 1, r.toString());
                    }
                    // Peeking costs width: the sequence is never narrower than the fixed interval.
                    assertTrue(width(sequential) >= width(fixed), difference + " " + alternative);
                }
            }
        }
    }

    private static double width(FrequentistResult r) {
        return Double.isInfinite(r.upper()) ? r.estimate() - r.lower() : r.upper() - r.lower();
    }

    @Test
    void cupedReducesVarianceWhenThePastPredictsThePresent() {
        // Post = pre + noise: strongly correlated.
        CupedStatistic control = new CupedStatistic(1000, new MeanStatistic(1000, 10_500, 130_000),
                new MeanStatistic(1000, 10_000, 120_000), 124_500);
        CupedStatistic treatment = new CupedStatistic(1000, new MeanStatistic(1000, 11_000, 141_000),
                new MeanStatistic(1000, 10_050, 121_000), 130_000);
        double theta = Cuped.theta(control, treatment);
        assertTrue(theta > 0.5, "theta " + theta);
        assertTrue(control.withTheta(theta).varianceReduction() > 0.3);
        double adjusted = FrequentistInference
                .fixed(control, treatment, Difference.ABSOLUTE, Alternative.TWO_SIDED, 0.05)
                .get().standardError();
        double plain = FrequentistInference.fixed(control.post(), treatment.post(), Difference.ABSOLUTE,
                Alternative.TWO_SIDED, 0.05).get().standardError();
        assertTrue(adjusted < plain * 0.8, adjusted + " vs " + plain);
    }

    @Test
    void planningAnswersHowLongToRun() {
        Power.Metric conversion = new Power.Metric(0.1, Math.sqrt(0.1 * 0.9));
        long units = Power.unitsNeeded(conversion, 0.1, 0.8, 2, 0.05, 0);
        // By hand: the relative effect's variance per arm of n is (0.09 / 0.01 + 0.09 * 0.11^2 / 0.1^4) / n =
        // 19.89 / n (both arms with the control's variance, as planning does), so n = (1.95996 + 0.84162)^2 *
        // 19.89 / 0.1^2 = 15,612 per arm.
        assertEquals(31_224, units, 2);
        assertTrue(Power.power(conversion, 0.1, units, 2, 0.05, true, 0) >= 0.8);
        assertTrue(Power.unitsNeeded(conversion, 0.1, 0.8, 2, 0.05, 5000) > units, "sequential needs more");
        assertEquals(10, Power.daysToReach(units, units - 10_000, 1000));
        assertEquals(0, Power.daysToReach(units, units, 1000));
        assertEquals(-1, Power.daysToReach(units, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Power.Metric(0, 1));
        assertThrows(IllegalArgumentException.class, () -> FrequentistInference.fixed(SOME, SOME, Difference.ABSOLUTE,
                Alternative.TWO_SIDED, 0.7));
    }
}
