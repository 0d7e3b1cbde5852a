package dev.flywheel.stats;

/** A 0/1 metric (converted or not): n and the number of conversions. */
public record ProportionStatistic(long n, double sum) implements Component {

    @Override
    public double mean() {
        return n == 0 ? 0 : sum / n;
    }

    /** p(1 - p), the population variance of a 0/1 value. */
    @Override
    public double variance() {
        double p = mean();
        return p * (1 - p);
    }
}
