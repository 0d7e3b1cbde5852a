package dev.flywheel.stats;

/**
 * A frequentist comparison: the effect, its standard error, the confidence interval (an infinite bound for
 * one-sided tests) and the p-value. {@code sequential} marks an always-valid confidence sequence, safe to peek at.
 */
public record FrequentistResult(double estimate, double standardError, double lower, double upper, double pValue,
        boolean sequential) {

    /** Significant at {@code alpha}: the p-value is below it. */
    public boolean significant(double alpha) {
        return pValue < alpha;
    }
}
