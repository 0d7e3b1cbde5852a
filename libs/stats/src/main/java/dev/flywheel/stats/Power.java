package dev.flywheel.stats;

/**
 * Planning: the power to detect a relative effect with a given number of units, the minimum detectable effect
 * (MDE) at a target power, and how many days the traffic needs to reach it. Units are split evenly over the
 * variations; the treatment's mean is the control's moved by the effect.
 */
public final class Power {

    public static final double DEFAULT_POWER = 0.8;

    /** A metric's control mean and standard deviation per unit (from the experiment so far or its history). */
    public record Metric(double mean, double standardDeviation) {
        public Metric {
            if (mean == 0 || !(standardDeviation > 0)) {
                throw new IllegalArgumentException("power needs a non-zero mean and a positive standard deviation");
            }
        }
    }

    private Power() {
    }

    /** Variance of the difference of two means, absolute or relative (delta method). */
    public static double differenceVariance(double varianceA, double meanA, double nA, double varianceB,
            double meanB, double nB, boolean relative) {
        return relative
                ? varianceB / (meanA * meanA * nB) + varianceA * meanB * meanB / (meanA * meanA * meanA * meanA * nA)
                : varianceB / nB + varianceA / nA;
    }

    private static double relativeVariance(Metric metric, double effect, double perArm) {
        double variance = metric.standardDeviation() * metric.standardDeviation();
        return differenceVariance(variance, metric.mean(), perArm, variance, metric.mean() * (1 + effect), perArm,
                true);
    }

    /**
     * The chance a test finds a relative effect of {@code effect} with {@code units} units over {@code variations}
     * variations. {@code sequentialTuning} above 0 plans for the confidence sequence (peeking allowed).
     */
    public static double power(Metric metric, double effect, long units, int variations, double alpha,
            boolean twoSided, double sequentialTuning) {
        double z = StandardNormal.N01.inverseCumulativeProbability(twoSided ? 1 - alpha / 2 : 1 - alpha);
        double perArm = (double) units / variations;
        double variance = relativeVariance(metric, effect, perArm);
        double standardError = Math.sqrt(variance);
        if (sequentialTuning > 0) {
            double n = 2 * perArm;
            standardError = (twoSided
                    ? FrequentistInference.halfWidth(variance * n, n, alpha, sequentialTuning)
                    : FrequentistInference.oneSidedHalfWidth(variance * n, n, alpha, sequentialTuning)) / z;
        }
        double standardized = effect / standardError;
        double power = StandardNormal.N01.cumulativeProbability(standardized - z); // the upper tail, by symmetry
        if (twoSided) {
            power += StandardNormal.N01.cumulativeProbability(-z - standardized);
        }
        return power;
    }

    /** The smallest relative effect found with {@code target} power (bisection on the effect; NaN-free). */
    public static double minimumDetectableEffect(Metric metric, double target, long units, int variations,
            double alpha, double sequentialTuning) {
        double low = 0;
        double high = 1;
        while (power(metric, high, units, variations, alpha, true, sequentialTuning) < target && high < 1e6) {
            high *= 2;
        }
        // To 1e-9 of the effect: finer answers mean nothing, and results compute this for every comparison.
        while (high - low > 1e-9 * high) {
            double mid = (low + high) / 2;
            if (power(metric, mid, units, variations, alpha, true, sequentialTuning) < target) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return high;
    }

    /** Units needed over all variations for {@code target} power at a relative effect. */
    public static long unitsNeeded(Metric metric, double effect, double target, int variations, double alpha,
            double sequentialTuning) {
        if (!(effect != 0)) {
            throw new IllegalArgumentException("the effect to detect must not be 0");
        }
        long high = variations * 2L;
        while (power(metric, Math.abs(effect), high, variations, alpha, true, sequentialTuning) < target) {
            if (high > Long.MAX_VALUE / 4) {
                return Long.MAX_VALUE;
            }
            high *= 2;
        }
        long low = high / 2;
        while (high - low > 1) {
            long mid = low + (high - low) / 2;
            if (power(metric, Math.abs(effect), mid, variations, alpha, true, sequentialTuning) < target) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return high;
    }

    /**
     * Days until {@code unitsNeeded} units are in, at {@code unitsPerDay}, counting those in already; 0 when
     * reached, -1 without traffic.
     */
    public static long daysToReach(long unitsNeeded, long unitsSoFar, double unitsPerDay) {
        if (unitsSoFar >= unitsNeeded) {
            return 0;
        }
        if (!(unitsPerDay > 0)) {
            return -1;
        }
        return (long) Math.ceil((unitsNeeded - unitsSoFar) / unitsPerDay);
    }
}
