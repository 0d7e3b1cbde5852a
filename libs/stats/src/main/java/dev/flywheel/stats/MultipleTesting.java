package dev.flywheel.stats;

import java.util.Comparator;
import java.util.stream.IntStream;

/** Corrections for testing many metrics and variations at once; adjusted p-values come back in input order. */
public final class MultipleTesting {

    public enum Correction {
        NONE,
        /** Holm-Bonferroni: controls the family-wise error rate. */
        HOLM,
        /** Benjamini-Hochberg: controls the false discovery rate. */
        BENJAMINI_HOCHBERG
    }

    private MultipleTesting() {
    }

    public static double[] adjust(double[] pValues, Correction correction) {
        return switch (correction) {
            case NONE -> pValues.clone();
            case HOLM -> holm(pValues);
            case BENJAMINI_HOCHBERG -> benjaminiHochberg(pValues);
        };
    }

    public static double[] holm(double[] p) {
        int m = p.length;
        Integer[] order = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble(i -> p[i]))
                .toArray(Integer[]::new);
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            running = Math.max(running, Math.min(1, (m - rank) * p[order[rank]]));
            adjusted[order[rank]] = running;
        }
        return adjusted;
    }

    public static double[] benjaminiHochberg(double[] p) {
        int m = p.length;
        Integer[] order = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble(i -> -p[i]))
                .toArray(Integer[]::new);
        double[] adjusted = new double[m];
        double running = 1;
        for (int k = 0; k < m; k++) {
            int rank = m - k; // rank in ascending order, from 1
            running = Math.min(running, Math.min(1, p[order[k]] * m / rank));
            adjusted[order[k]] = running;
        }
        return adjusted;
    }

    /**
     * The interval that matches an adjusted p-value: the standard error implied by the adjusted p (normal
     * approximation), then estimate +- z(1 - alpha/2) of it. Null when the adjusted p-value is 1 (no finite
     * interval: the effect is indistinguishable from anything).
     */
    public static double[] adjustedInterval(double adjustedP, double estimate, double alpha) {
        if (!(adjustedP < 1)) {
            return null;
        }
        double z = StandardNormal.N01.inverseCumulativeProbability(1 - adjustedP / 2);
        double sigma = Math.abs(estimate) / z;
        double width = StandardNormal.N01.inverseCumulativeProbability(1 - alpha / 2) * sigma;
        return new double[]{estimate - width, estimate + width};
    }
}
