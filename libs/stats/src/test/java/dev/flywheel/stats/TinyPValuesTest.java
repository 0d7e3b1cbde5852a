package dev.flywheel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tail probabilities far below 1e-16 keep their relative precision (survival functions, never 1 - CDF). Expected
 * values are closed forms: for one degree of freedom the chi-squared survival is erfc(sqrt(x / 2)), for two exp(-x / 2)
 * (computed with Python's math.erfc and math.exp).
 */
class TinyPValuesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "1000;1400, 3.2152627273871094e-16",
            "10000;11000, 5.176309056990185e-12",
            "10000;12000, 1.942890101546411e-41",
            "100000;103000, 2.7672771622947008e-11",
            "1000;1000;1300, 1.4308860148391207e-12",
            "5000;5000;5600, 9.502101132668297e-11"})
    void sampleRatioMismatchKeepsTinyPValues(String units, double expected) {
        long[] counts = java.util.Arrays.stream(units.split(";")).mapToLong(Long::parseLong).toArray();
        double[] weights = new double[counts.length];
        java.util.Arrays.fill(weights, 1.0 / counts.length);
        double p = SampleRatio.pValue(counts, weights);
        assertTrue(p > 0, "underflowed to 0");
        assertEquals(1, p / expected, 1e-9, () -> "p = " + p);
    }

    @ParameterizedTest(name = "z = {0}")
    @CsvSource({"-9", "-12", "-20", "-30"})
    void aTinyChanceToWinIsNotZero(double z) {
        double chance = BayesianInference.chanceOfIncrease(z, 1);
        assertTrue(chance > 0, "underflowed to 0");
        assertEquals(StandardNormal.N01.cumulativeProbability(z), chance, 0);
    }
}
