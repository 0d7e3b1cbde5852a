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
        long successes = a + c;
        long draws = a + b;
        // Every table's probability relative to the likeliest (the mode), walked outwards by the ratio of
        // neighbouring terms until they no longer count: work grows with the spread of the tables, not with n,
        // so a funnel of a million people is tested in microseconds.
        int mode = (int) Math.max(low, Math.min(high, (draws + 1) * (successes + 1) / (n + 2)));
        double seen = Math.exp(tables.logProbability(Math.toIntExact(a)) - tables.logProbability(mode));
        double threshold = seen * (1 + RELATIVE_TOLERANCE);
        double negligible = Math.min(seen, 1) * 1e-17;
        double all = 1;
        double asExtreme = 1 <= threshold ? 1 : 0;
        double relative = 1;
        for (long x = mode; x < high && relative > negligible; x++) {
            relative *= (double) (successes - x) * (draws - x) / ((x + 1) * (double) (n - successes - draws + x + 1));
            all += relative;
            if (relative <= threshold) {
                asExtreme += relative;
            }
        }
        relative = 1;
        for (long x = mode; x > low && relative > negligible; x--) {
            relative *= x * (double) (n - successes - draws + x) / ((double) (successes - x + 1) * (draws - x + 1));
            all += relative;
            if (relative <= threshold) {
                asExtreme += relative;
            }
        }
        // a table further out than the walk went still counts itself
        asExtreme = Math.max(asExtreme, seen);
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
