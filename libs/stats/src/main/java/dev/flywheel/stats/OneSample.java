package dev.flywheel.stats;

import org.hipparchus.distribution.continuous.TDistribution;

/** Intervals for one group on its own (a survey score, a conversion rate), rather than a comparison of two. */
public final class OneSample {

    private OneSample() {
    }

    /** The t interval of a mean, or null with fewer than 2 units or no variance. */
    public static double[] meanInterval(MeanStatistic statistic, double alpha) {
        FrequentistInference.checkAlpha(alpha);
        long n = statistic.n();
        double variance = statistic.variance();
        if (n < 2 || !(variance > 0)) {
            return null;
        }
        double width = new TDistribution(n - 1).inverseCumulativeProbability(1 - alpha / 2)
                * Math.sqrt(variance / n);
        return new double[]{statistic.mean() - width, statistic.mean() + width};
    }

    /**
     * The Wilson score interval of a proportion: unlike the plain normal interval it stays inside [0, 1] and is
     * honest for small samples and shares near 0 or 1. Null without units.
     */
    public static double[] wilsonInterval(long successes, long n, double alpha) {
        FrequentistInference.checkAlpha(alpha);
        if (n <= 0 || successes < 0 || successes > n) {
            return null;
        }
        double z = StandardNormal.N01.inverseCumulativeProbability(1 - alpha / 2);
        double p = (double) successes / n;
        double z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z * Math.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
        return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
