package dev.flywheel.stats;

/** A directly summed statistic (a mean or a proportion): the building block of ratios and CUPED. */
public sealed interface Component extends Statistic permits MeanStatistic, ProportionStatistic {

    double sum();

    /** Sample covariance of two components over the same units, from the sum of their products. */
    static double covariance(Component a, Component b, double sumOfProducts) {
        long n = a.n();
        return n <= 1 ? 0 : (sumOfProducts - a.sum() * b.sum() / n) / (n - 1);
    }

    /** Both arms' units as one sample, of the same kind. */
    static Component joint(Component a, Component b) {
        long n = a.n() + b.n();
        if (a instanceof MeanStatistic ma && b instanceof MeanStatistic mb) {
            return new MeanStatistic(n, ma.sum() + mb.sum(), ma.sumSquares() + mb.sumSquares());
        }
        return new ProportionStatistic(n, a.sum() + b.sum());
    }
}
