package dev.flywheel.stats;

/**
 * A Bayesian comparison: the posterior mean of the effect, its standard deviation, the credible interval, the
 * chance the treatment beats the control, and each choice's risk (expected loss, in the effect's units).
 */
public record BayesianResult(double estimate, double standardDeviation, double lower, double upper,
        double chanceToWin, Risk risk) {
}
