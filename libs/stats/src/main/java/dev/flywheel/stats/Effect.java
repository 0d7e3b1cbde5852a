package dev.flywheel.stats;

/**
 * The effect of a treatment against its control: the point estimate, its variance (delta method for relative
 * effects, on the unadjusted means), and the Welch-Satterthwaite degrees of freedom.
 */
public record Effect(double estimate, double variance, double degreesOfFreedom, long totalUnits) {

    public double standardError() {
        return Math.sqrt(variance);
    }

    /**
     * The effect, or why there is none. CUPED statistics get their pooled theta here, so both arms are adjusted
     * with the same one.
     */
    public static Outcome<Effect> of(Statistic control, Statistic treatment, Difference difference) {
        if (control instanceof CupedStatistic a && treatment instanceof CupedStatistic b) {
            double theta = Cuped.theta(a, b);
            control = a.withTheta(theta);
            treatment = b.withTheta(theta);
        }
        long nA = control.n();
        long nB = treatment.n();
        if (nA <= 1 || nB <= 1) {
            return Outcome.none(NoResult.Reason.NOT_ENOUGH_DATA, "each variation needs at least 2 units (control "
                    + nA + ", treatment " + nB + ")");
        }
        if (control instanceof RatioStatistic r && r.denominator().mean() == 0
                || treatment instanceof RatioStatistic t && t.denominator().mean() == 0) {
            return Outcome.none(NoResult.Reason.DENOMINATOR_ZERO, "the ratio's denominator is 0 in a variation");
        }
        double vA = control.variance();
        double vB = treatment.variance();
        if (!(vA > 0) || !(vB > 0)) {
            return Outcome.none(NoResult.Reason.ZERO_VARIANCE, "the metric does not vary in a variation (variance "
                    + "control " + vA + ", treatment " + vB + ")");
        }
        double mA = control.unadjustedMean();
        double mB = treatment.unadjustedMean();
        double estimate;
        if (difference == Difference.RELATIVE) {
            if (mA == 0) {
                return Outcome.none(NoResult.Reason.CONTROL_MEAN_ZERO, "a relative effect needs a control mean "
                        + "other than 0");
            }
            estimate = (treatment.mean() - control.mean()) / Math.abs(mA);
        } else {
            estimate = treatment.mean() - control.mean();
        }
        double variance = Power.differenceVariance(vA, mA, nA, vB, mB, nB, difference == Difference.RELATIVE);
        if (!(variance > 0) || !Double.isFinite(estimate)) {
            return Outcome.none(NoResult.Reason.ZERO_VARIANCE, "the effect's variance is not positive");
        }
        double df = Math.pow(vB / nB + vA / nA, 2)
                / (vB * vB / ((double) nB * nB * (nB - 1)) + vA * vA / ((double) nA * nA * (nA - 1)));
        return Outcome.ok(new Effect(estimate, variance, df, nA + nB));
    }
}
