package dev.flywheel.stats;

/**
 * Expected loss of each choice when the effect is N(mu, sigma^2): shipping the treatment loses E[max(-delta, 0)],
 * keeping the control loses E[max(delta, 0)].
 */
public record Risk(double control, double treatment) {

    public static Risk of(double mu, double sigma) {
        double z = mu / sigma;
        double density = sigma * StandardNormal.N01.density(z);
        // Far in a tail the density underflows to 0 and the cumulative probability is exactly 0 or 1.
        double control = mu * StandardNormal.N01.cumulativeProbability(z) + density;
        double treatment = -mu * StandardNormal.N01.cumulativeProbability(-z) + density;
        return new Risk(Math.max(control, 0), Math.max(treatment, 0));
    }
}
