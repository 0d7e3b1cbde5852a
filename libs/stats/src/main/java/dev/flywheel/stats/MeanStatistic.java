package dev.flywheel.stats;

/** A metric averaged over units: n, the sum of unit values and the sum of their squares. */
public record MeanStatistic(long n, double sum, double sumSquares) implements Component {

    @Override
    public double mean() {
        return n == 0 ? 0 : sum / n;
    }

    /** Sample variance (n - 1); 0 for one unit or none. */
    @Override
    public double variance() {
        return n <= 1 ? 0 : (sumSquares - sum * sum / n) / (n - 1);
    }
}
