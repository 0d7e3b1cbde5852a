package dev.flywheel.stats;

import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * A normal approximation to the effect's likelihood, N(estimate, SE^2), with a flat prior (the posterior is the
 * likelihood) or a proper normal prior on the relative effect, rescaled by the control mean for absolute effects.
 */
public final class BayesianInference {

    /** A prior on the relative effect. Not proper: flat. */
    public record Prior(double mean, double variance, boolean proper) {
        public static final Prior FLAT = new Prior(0, 1, false);
        /** Most changes move a metric by less than 30% either way. */
        public static final Prior DEFAULT_PROPER = new Prior(0, 0.09, true);

        public Prior {
            if (proper && !(variance > 0)) {
                throw new IllegalArgumentException("a proper prior needs a positive variance");
            }
        }
    }

    private BayesianInference() {
    }

    /**
     * @param inverse
     *            for metrics where lower is better: chance to win and risk are for a decrease
     */
    public static Outcome<BayesianResult> run(Statistic control, Statistic treatment, Difference difference,
            Prior prior, double alpha, boolean inverse) {
        FrequentistInference.checkAlpha(alpha);
        Outcome<Effect> effect = Effect.of(control, treatment, difference);
        if (!(effect instanceof Outcome.Ok<Effect> ok)) {
            return new Outcome.None<>(effect.noResult());
        }
        Effect e = ok.result();
        double mean = e.estimate();
        double variance = e.variance();
        if (prior.proper()) {
            double scale = difference == Difference.RELATIVE ? 1 : Math.abs(control.unadjustedMean());
            double priorMean = prior.mean() * scale;
            double priorVariance = prior.variance() * scale * scale;
            double precision = 1 / variance + 1 / priorVariance;
            mean = (e.estimate() / variance + priorMean / priorVariance) / precision;
            variance = 1 / precision;
        }
        double sd = Math.sqrt(variance);
        NormalDistribution posterior = new NormalDistribution(mean, sd);
        return Outcome.ok(new BayesianResult(mean, sd, posterior.inverseCumulativeProbability(alpha / 2),
                posterior.inverseCumulativeProbability(1 - alpha / 2),
                inverse ? chanceOfIncrease(-mean, sd) : chanceOfIncrease(mean, sd),
                Risk.of(inverse ? -mean : mean, sd)));
    }

    /**
     * P(effect > 0) under a normal posterior, from its own tail (not 1 - the other), so that a tiny chance keeps its
     * relative precision instead of rounding to 0.
     */
    static double chanceOfIncrease(double mean, double sd) {
        return StandardNormal.N01.cumulativeProbability(mean / sd);
    }
}
