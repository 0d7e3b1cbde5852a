package dev.flywheel.stats;

/**
 * A ratio of two per-unit sums (revenue per order, clicks per session): sum M / sum D, with the delta method's
 * variance from both components and their covariance.
 */
public record RatioStatistic(long n, Component numerator, Component denominator, double sumOfProducts)
        implements
            Statistic {

    @Override
    public double mean() {
        return denominator.mean() == 0 ? 0 : numerator.mean() / denominator.mean();
    }

    @Override
    public double variance() {
        double muM = numerator.mean();
        double muD = denominator.mean();
        if (muD == 0) {
            return 0;
        }
        double covariance = Component.covariance(numerator, denominator, sumOfProducts);
        return numerator.variance() / (muD * muD) - 2 * covariance * muM / (muD * muD * muD)
                + muM * muM * denominator.variance() / (muD * muD * muD * muD);
    }
}
