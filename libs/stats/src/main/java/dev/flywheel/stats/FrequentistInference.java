package dev.flywheel.stats;

import org.hipparchus.distribution.continuous.TDistribution;

/**
 * Welch's t-test with fixed horizon, and the asymptotic confidence sequence of Waudby-Smith et al. for
 * experiments looked at before they end.
 */
public final class FrequentistInference {

    public static final double DEFAULT_ALPHA = 0.05;
    /** The sample size the confidence sequence is tightest at. */
    public static final double DEFAULT_SEQUENTIAL_TUNING = 5000;

    private FrequentistInference() {
    }

    /** A fixed-horizon test: valid when looked at once, at the planned end. */
    public static Outcome<FrequentistResult> fixed(Statistic control, Statistic treatment, Difference difference,
            Alternative alternative, double alpha) {
        checkAlpha(alpha);
        Outcome<Effect> effect = Effect.of(control, treatment, difference);
        if (!(effect instanceof Outcome.Ok<Effect> ok)) {
            return new Outcome.None<>(effect.noResult());
        }
        Effect e = ok.result();
        TDistribution t = new TDistribution(e.degreesOfFreedom());
        double se = e.standardError();
        double statistic = e.estimate() / se;
        return Outcome.ok(switch (alternative) {
            case TWO_SIDED -> {
                double width = t.inverseCumulativeProbability(1 - alpha / 2) * se;
                yield new FrequentistResult(e.estimate(), se, e.estimate() - width, e.estimate() + width,
                        2 * t.cumulativeProbability(-Math.abs(statistic)), false);
            }
            case GREATER -> new FrequentistResult(e.estimate(), se,
                    e.estimate() - t.inverseCumulativeProbability(1 - alpha) * se, Double.POSITIVE_INFINITY,
                    t.cumulativeProbability(-statistic), false);
            case LESSER -> new FrequentistResult(e.estimate(), se, Double.NEGATIVE_INFINITY,
                    e.estimate() + t.inverseCumulativeProbability(1 - alpha) * se,
                    t.cumulativeProbability(statistic), false);
        });
    }

    /**
     * An always-valid test: its interval covers the true effect at every look with probability 1 - alpha, so
     * results may be read daily. {@code tuning} is the total sample size where the sequence is tightest.
     */
    public static Outcome<FrequentistResult> sequential(Statistic control, Statistic treatment,
            Difference difference, Alternative alternative, double alpha, double tuning) {
        checkAlpha(alpha);
        if (!(tuning > 0)) {
            throw new IllegalArgumentException("the sequential tuning parameter must be positive");
        }
        Outcome<Effect> effect = Effect.of(control, treatment, difference);
        if (!(effect instanceof Outcome.Ok<Effect> ok)) {
            return new Outcome.None<>(effect.noResult());
        }
        Effect e = ok.result();
        long n = e.totalUnits();
        double s2 = e.variance() * n;
        double twoSidedP = Math.min(1, 1 / eValue(e.estimate(), s2, n, alpha, tuning));
        double se = e.standardError();
        return Outcome.ok(switch (alternative) {
            case TWO_SIDED -> {
                double width = halfWidth(s2, n, alpha, tuning);
                yield new FrequentistResult(e.estimate(), se, e.estimate() - width, e.estimate() + width,
                        twoSidedP, true);
            }
            // One-sided sequences use the one-sided boundary; the p-value is the two-sided one halved in the
            // direction looked for.
            case GREATER -> new FrequentistResult(e.estimate(), se,
                    e.estimate() - oneSidedHalfWidth(s2, n, alpha, tuning), Double.POSITIVE_INFINITY,
                    e.estimate() > 0 ? twoSidedP / 2 : 1 - twoSidedP / 2, true);
            case LESSER -> new FrequentistResult(e.estimate(), se, Double.NEGATIVE_INFINITY,
                    e.estimate() + oneSidedHalfWidth(s2, n, alpha, tuning),
                    e.estimate() < 0 ? twoSidedP / 2 : 1 - twoSidedP / 2, true);
        });
    }

    static double rho(double alpha, double tuning) {
        double l = -2 * Math.log(alpha);
        return Math.sqrt((l + Math.log(l + 1)) / tuning);
    }

    /** Half the confidence sequence's width for n units with per-unit variance s2. */
    static double halfWidth(double s2, double n, double alpha, double tuning) {
        double rho = rho(alpha, tuning);
        double nr2 = n * rho * rho;
        return Math.sqrt(s2) * Math.sqrt(2 * (nr2 + 1) * Math.log(Math.sqrt(nr2 + 1) / alpha) / (nr2 * n));
    }

    /** The one-sided sequence's distance from the estimate to its finite bound, at level alpha. */
    static double oneSidedHalfWidth(double s2, double n, double alpha, double tuning) {
        double rho = rho(2 * alpha, tuning);
        double nr2 = n * rho * rho;
        return Math.sqrt(s2) * Math.sqrt(2 * (nr2 + 1) * Math.log(1 + Math.sqrt(nr2 + 1) / (2 * alpha))
                / (nr2 * n));
    }

    /** The sequence's e-value against "no effect": its reciprocal is an always-valid p-value. */
    private static double eValue(double estimate, double s2, double n, double alpha, double tuning) {
        double rho = rho(alpha, tuning);
        double nr2p1 = n * rho * rho + 1;
        double st2 = n * n * estimate * estimate / s2;
        return Math.exp(rho * rho * st2 / (2 * nr2p1)) / Math.sqrt(nr2p1);
    }

    static void checkAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("alpha must be between 0 and 0.5");
        }
    }
}
