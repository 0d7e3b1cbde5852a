package dev.flywheel.stats;

import org.hipparchus.special.Gamma;

/**
 * The sample-ratio-mismatch guard: did units arrive in the split the experiment asked for? A chi-square goodness
 * of fit over the variations with a weight; a p-value under {@link #THRESHOLD} means the assignment or the data is
 * broken and no result should be trusted.
 */
public final class SampleRatio {

    public static final double THRESHOLD = 0.001;

    private SampleRatio() {
    }

    public record Check(double pValue, boolean mismatch) {
    }

    public static Check check(long[] units, double[] weights) {
        double p = pValue(units, weights);
        return new Check(p, p < THRESHOLD);
    }

    /** 1 when there is nothing to compare (fewer than two weighted variations, or no units). */
    public static double pValue(long[] units, double[] weights) {
        int arms = 0;
        double totalUnits = 0;
        double totalWeight = 0;
        for (int i = 0; i < weights.length && i < units.length; i++) {
            if (weights[i] > 0) {
                arms++;
                totalUnits += units[i];
                totalWeight += weights[i];
            }
        }
        if (arms < 2 || totalUnits == 0) {
            return 1;
        }
        double chiSquare = 0;
        for (int i = 0; i < weights.length && i < units.length; i++) {
            if (weights[i] > 0) {
                double expected = weights[i] / totalWeight * totalUnits;
                chiSquare += Math.pow(units[i] - expected, 2) / expected;
            }
        }
        // the survival function itself, not 1 - CDF: a p-value of 2e-22 keeps its digits instead of becoming 0
        return Gamma.regularizedGammaQ((arms - 1) / 2.0, chiSquare / 2);
    }
}
