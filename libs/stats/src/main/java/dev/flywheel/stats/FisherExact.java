package dev.flywheel.stats;

import org.hipparchus.distribution.discrete.HypergeometricDistribution;

/**
 * A 2×2 table {@code [[a, b], [c, d]]} (rows: with and without something; columns: converted and not): Fisher's exact
 * test and the odds ratio {@code ad / bc}.
 */
public final class FisherExact {

    /** Tables this much likelier than the one seen still count as "as extreme" (floating-point ties, as R does). */
    private static final double RELATIVE_TOLERANCE = 1e-7;

    private FisherExact() {
    }

    /**
     * The two-sided p-value: the probability, with the margins fixed, of every table no likelier than the one seen.
     */
    public static double twoSidedP(long a, long b, long c, long d) {
        check(a, b, c, d);
        long n = a + b + c + d;
        if (n == 0) {
            return 1;
        }
        HypergeometricDistribution tables = new HypergeometricDistribution(Math.toIntExact(n), Math.toIntExact(a
                + c), Math.toIntExact(a + b));
        int low = tables.getSupportLowerBound();
        int high = tables.getSupportUpperBound();
        double seen = tables.logProbability(Math.toIntExact(a));
        // sums in log space relative to the likeliest table, so tiny probabilities do not vanish
        double likeliest = Double.NEGATIVE_INFINITY;
        for (int x = low; x <= high; x++) {
            likeliest = Math.max(likeliest, tables.logProbability(x));
        }
        double asExtreme = 0;
        double all = 0;
        for (int x = low; x <= high; x++) {
            double log = tables.logProbability(x);
            double relative = Math.exp(log - likeliest);
            all += relative;
            if (log <= seen + Math.log1p(RELATIVE_TOLERANCE)) {
                asExtreme += relative;
            }
        }
        return Math.min(1, asExtreme / all);
    }

    /**
     * The odds ratio and its Woolf (log) interval at {@code 1 - alpha}; with a zero cell, 0.5 is added to every
     * cell (Haldane-Anscombe), so the estimate and interval stay finite. {estimate, lower, upper}.
     */
    public static double[] oddsRatio(long a, long b, long c, long d, double alpha) {
        check(a, b, c, d);
        double shift = a == 0 || b == 0 || c == 0 || d == 0 ? 0.5 : 0;
        double aa = a + shift;
        double bb = b + shift;
        double cc = c + shift;
        double dd = d + shift;
        double log = Math.log(aa * dd / (bb * cc));
        double se = Math.sqrt(1 / aa + 1 / bb + 1 / cc + 1 / dd);
        double z = StandardNormal.N01.inverseCumulativeProbability(1 - alpha / 2);
        return new double[]{Math.exp(log), Math.exp(log - z * se), Math.exp(log + z * se)};
    }

    private static void check(long a, long b, long c, long d) {
        if (a < 0 || b < 0 || c < 0 || d < 0) {
            throw new IllegalArgumentException("a 2×2 table counts people: no cell is negative");
        }
    }
}
