package dev.flywheel.stats;

/**
 * A variation's sufficient statistics for one metric: enough to estimate its mean and the variance of one unit's
 * value, maintained incrementally, never from raw events at query time.
 */
public sealed interface Statistic permits Component, RatioStatistic, CupedStatistic {

    /** Units (users) counted. */
    long n();

    /** The estimate differences are taken of (adjusted, for CUPED). */
    double mean();

    /** Variance of one unit's value around {@link #mean()}; 0 when it cannot be estimated. */
    double variance();

    /** The plain mean, before any variance-reduction adjustment: the base of relative effects. */
    default double unadjustedMean() {
        return mean();
    }
}
