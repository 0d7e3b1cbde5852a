package dev.flywheel.analytics;

import java.util.Arrays;

/** Order statistics of durations, as PostgreSQL's percentile_cont computes them (linear interpolation). */
public final class Percentiles {

    private Percentiles() {
    }

    /** The {@code p}-quantile (0..1) of the values, or null for none. Sorts {@code values} in place. */
    public static Double quantile(long[] values, int count, double p) {
        if (count == 0) {
            return null;
        }
        Arrays.sort(values, 0, count);
        double position = p * (count - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, count - 1);
        double fraction = position - lower;
        return values[lower] + (values[upper] - values[lower]) * fraction;
    }

    public static Double mean(long[] values, int count) {
        if (count == 0) {
            return null;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += values[i];
        }
        return sum / count;
    }
}
