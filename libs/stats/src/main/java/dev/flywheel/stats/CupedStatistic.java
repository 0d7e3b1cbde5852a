package dev.flywheel.stats;

/**
 * A metric with its pre-exposure value as covariate (CUPED): the post-exposure component, the same metric over the
 * days before exposure, and the sum of their products. {@code theta} is set for a comparison ({@link Cuped#theta}),
 * pooled over the two arms compared; with theta 0 it is the plain metric.
 */
public record CupedStatistic(long n, Component post, Component pre, double sumOfProducts, double theta)
        implements
            Statistic {

    public CupedStatistic(long n, Component post, Component pre, double sumOfProducts) {
        this(n, post, pre, sumOfProducts, 0);
    }

    public CupedStatistic withTheta(double value) {
        return new CupedStatistic(n, post, pre, sumOfProducts, value);
    }

    @Override
    public double mean() {
        return post.mean() - theta * pre.mean();
    }

    @Override
    public double unadjustedMean() {
        return post.mean();
    }

    @Override
    public double variance() {
        double covariance = Component.covariance(post, pre, sumOfProducts);
        return post.variance() + theta * theta * pre.variance() - 2 * theta * covariance;
    }

    /** How much the adjustment shrank the variance: 1 - adjusted / unadjusted (0 when nothing to shrink). */
    public double varianceReduction() {
        double plain = post.variance();
        return plain <= 0 ? 0 : 1 - variance() / plain;
    }
}
