package dev.flywheel.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reference p-values computed independently with exact rational arithmetic (every table's hypergeometric probability
 * from binomial coefficients, summed over tables no likelier than the one seen); the first and fourth are R's
 * documented {@code fisher.test} examples (0.4857, 0.002759).
 */
class FisherExactTest {

    @ParameterizedTest
    @CsvSource({"3, 1, 1, 3, 0.4857142857142857", "10, 2, 3, 15, 0.0005367241191434358",
            "0, 5, 5, 0, 0.007936507936507936", "1, 9, 11, 3, 0.0027594561852200836",
            "20, 80, 40, 60, 0.003191816825928764", "120, 380, 90, 410, 0.02420635433446115", "0, 0, 0, 0, 1.0",
            "7, 0, 0, 7, 0.0005827505827505828", "2, 48, 10, 40, 0.02774625914817036"})
    void twoSidedPValuesMatchTheExactReference(long a, long b, long c, long d, double expected) {
        assertEquals(expected, FisherExact.twoSidedP(a, b, c, d), expected * 1e-9);
    }

    @Test
    void oddsRatiosHaveWoolfIntervalsAndSurviveZeroCells() {
        assertArrayEquals(new double[]{25, 3.5215873523304366, 177.47678460578325}, FisherExact.oddsRatio(10, 2, 3,
                15, 0.05), 1e-9);
        assertArrayEquals(new double[]{0.008264462809917354, 0.00013775665763196866, 0.4958115760835399},
                FisherExact.oddsRatio(0, 5, 5, 0, 0.05), 1e-12);
        assertArrayEquals(new double[]{0.375, 0.19920817232354648, 0.7059198343108241}, FisherExact.oddsRatio(20, 80,
                40, 60, 0.05), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> FisherExact.twoSidedP(-1, 0, 0, 0));
    }
}
