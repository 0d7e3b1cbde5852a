package dev.flywheel.metrics.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.MetricType;
import dev.flywheel.stats.Alternative;
import dev.flywheel.stats.BayesianInference;
import dev.flywheel.stats.BayesianResult;
import dev.flywheel.stats.Cuped;
import dev.flywheel.stats.CupedStatistic;
import dev.flywheel.stats.Difference;
import dev.flywheel.stats.Effect;
import dev.flywheel.stats.FrequentistInference;
import dev.flywheel.stats.FrequentistResult;
import dev.flywheel.stats.MeanStatistic;
import dev.flywheel.stats.MultipleTesting;
import dev.flywheel.stats.NoResult;
import dev.flywheel.stats.Outcome;
import dev.flywheel.stats.Power;
import dev.flywheel.stats.ProportionStatistic;
import dev.flywheel.stats.RatioStatistic;
import dev.flywheel.stats.Statistic;

/**
 * An experiment's results as a pure function of plain values: each chosen metric per variation against the control,
 * from the maintained sums, with the correction across goal metrics, Bayesian chance to win and risk, and planning
 * (power, days to significance). No database, no contract types beyond the metric definitions it is given.
 */
public final class ExperimentAnalysis {

    private ExperimentAnalysis() {
    }

    /** The experiment's arms as exposures found them: variation keys by index, units, and the sample-ratio check. */
    public record Arms(List<String> keys, long totalUnits, boolean sampleRatioMismatch, double srmPValue) {
    }

    /** The comparison of one variation with the control; a no-result carries only its reason. */
    public record Comparison(String noResult, String noResultMessage, double estimate, double lower, double upper,
            double pValue, double adjustedPValue, double adjustedLower, double adjustedUpper, boolean significant,
            double absoluteEffect, double relativeEffect, double chanceToWin, double credibleLower,
            double credibleUpper, double riskControl, double riskTreatment, double varianceReduction, double power,
            double minimumDetectableEffect, long unitsNeeded, long daysToSignificance) {

        static Comparison none(NoResult reason) {
            return new Comparison(reason.reason().name(), reason.message(), 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0,
                    0, 0, 0, 0, 0, 0, 0, 0);
        }

        public boolean hasResult() {
            return noResult == null;
        }

        Comparison corrected(double adjusted, double[] interval, boolean significant) {
            return new Comparison(noResult, noResultMessage, estimate, lower, upper, pValue, adjusted,
                    interval == null ? adjustedLower : interval[0], interval == null ? adjustedUpper : interval[1],
                    significant, absoluteEffect, relativeEffect, chanceToWin, credibleLower, credibleUpper,
                    riskControl, riskTreatment, varianceReduction, power, minimumDetectableEffect, unitsNeeded,
                    daysToSignificance);
        }
    }

    /** One variation's numbers for a metric; {@code comparison} is null for the control. */
    public record Arm(int index, String key, long units, double mean, double numeratorSum, double denominatorSum,
            boolean control, Comparison comparison) {
    }

    /** One metric's results; {@code capAsOf} is null unless capped sums were used. */
    public record MetricResult(ExperimentMetric metric, boolean complete, double cap, Instant capAsOf,
            List<Arm> arms) {
    }

    public record Results(List<String> warnings, double unitsPerDay, List<MetricResult> metrics) {
    }

    /**
     * @param chosen
     *            the metrics to report, all defined in {@code sums}
     */
    public static Results analyse(Arms arms, ExperimentSums sums, Collection<ExperimentMetric> chosen,
            ResultOptions options) {
        int variations = arms.keys().size();
        List<String> warnings = new ArrayList<>();
        if (arms.sampleRatioMismatch()) {
            warnings.add(String.format(Locale.ROOT, "Sample ratio mismatch: the units per variation do not match"
                    + " the split (p = %.3g < 0.001). Assignment or tracking is broken; do not trust these results.",
                    arms.srmPValue()));
        }
        double unitsPerDay = unitsPerDay(arms.totalUnits(), sums.firstExposure(), sums.lastExposure());

        // Goal comparisons with a p-value, for the correction: (metric position, variation position).
        List<int[]> corrected = new ArrayList<>();
        List<Double> pValues = new ArrayList<>();
        List<MetricResult> metrics = new ArrayList<>();
        for (ExperimentMetric metric : chosen) {
            String key = metric.getKey();
            boolean complete = Boolean.TRUE.equals(sums.complete().get(key));
            if (!complete) {
                warnings.add("Metric '" + key + "' is still being computed over the units exposed "
                        + "before its definition changed; its numbers are partial.");
            }
            Map<Integer, Sums> byVariation = sums.raw().getOrDefault(key, Map.of());
            double cap = 0;
            Instant capAsOf = null;
            if (metric.getWinsorizePercentile() > 0) {
                Map<Integer, Sums> capped = sums.capped().get(key);
                if (capped != null) {
                    byVariation = capped;
                    Sums any = capped.values().iterator().next();
                    cap = any.cap();
                    capAsOf = any.capAsOf();
                } else {
                    warnings.add("Metric '" + key + "' is winsorised but its cap is not computed yet;"
                            + " its numbers are uncapped.");
                }
            }
            Statistic[] statistics = new Statistic[variations];
            for (int v = 0; v < variations; v++) {
                statistics[v] = statistic(metric, byVariation.getOrDefault(v, Sums.NONE));
            }
            List<Arm> out = new ArrayList<>();
            for (int v = 0; v < variations; v++) {
                Sums s = byVariation.getOrDefault(v, Sums.NONE);
                Comparison comparison = null;
                if (v != options.control()) {
                    comparison = compare(metric, statistics[options.control()], statistics[v], options, variations,
                            arms.totalUnits(), unitsPerDay);
                    if (!metric.getGuardrail() && comparison.hasResult()) {
                        corrected.add(new int[]{metrics.size(), v});
                        pValues.add(comparison.pValue());
                    }
                }
                out.add(new Arm(v, arms.keys().get(v), s.units(), mean(statistics[v]), s.x(), s.y(),
                        v == options.control(), comparison));
            }
            metrics.add(new MetricResult(metric, complete, cap, capAsOf, out));
        }
        double[] adjusted = MultipleTesting.adjust(pValues.stream().mapToDouble(Double::doubleValue).toArray(),
                options.correction());
        for (int i = 0; i < adjusted.length; i++) {
            int[] at = corrected.get(i);
            List<Arm> metricArms = metrics.get(at[0]).arms();
            Arm arm = metricArms.get(at[1]);
            double[] interval = null;
            if (options.correction() != MultipleTesting.Correction.NONE) {
                interval = MultipleTesting.adjustedInterval(adjusted[i], arm.comparison().estimate(),
                        options.alpha());
                if (interval == null) {
                    interval = new double[]{Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
                }
            }
            metricArms.set(at[1], new Arm(arm.index(), arm.key(), arm.units(), arm.mean(), arm.numeratorSum(),
                    arm.denominatorSum(), arm.control(), arm.comparison().corrected(adjusted[i], interval,
                            adjusted[i] < options.alpha())));
        }
        return new Results(warnings, unitsPerDay, metrics);
    }

    /** A variation's statistic for the metric's type (with its covariate, for CUPED). */
    static Statistic statistic(ExperimentMetric metric, Sums s) {
        MetricType type = metric.getType();
        if (type == MetricType.METRIC_TYPE_RATIO || type == MetricType.METRIC_TYPE_MEAN) {
            return new RatioStatistic(s.units(), new MeanStatistic(s.units(), s.x(), s.xx()),
                    new MeanStatistic(s.units(), s.y(), s.yy()), s.xy());
        }
        boolean binary = type == MetricType.METRIC_TYPE_CONVERSION || type == MetricType.METRIC_TYPE_RETENTION;
        var post = binary ? new ProportionStatistic(s.units(), s.x()) : new MeanStatistic(s.units(), s.x(), s.xx());
        if (metric.getCupedDays() == 0) {
            return post;
        }
        var pre = binary ? new ProportionStatistic(s.units(), s.p()) : new MeanStatistic(s.units(), s.p(), s.pp());
        return new CupedStatistic(s.units(), post, pre, s.xp());
    }

    private static double mean(Statistic statistic) {
        if (statistic.n() == 0 || statistic instanceof RatioStatistic r && r.denominator().mean() == 0) {
            return 0;
        }
        return statistic.unadjustedMean();
    }

    private static Comparison compare(ExperimentMetric metric, Statistic control, Statistic treatment,
            ResultOptions options, int variations, long totalUnits, double unitsPerDay) {
        Alternative alternative = !metric.getGuardrail()
                ? Alternative.TWO_SIDED
                : metric.getInverse() ? Alternative.GREATER : Alternative.LESSER;
        Outcome<FrequentistResult> frequentist = options.sequential()
                ? FrequentistInference.sequential(control, treatment, options.difference(), alternative,
                        options.alpha(), options.tuning())
                : FrequentistInference.fixed(control, treatment, options.difference(), alternative, options.alpha());
        if (!(frequentist instanceof Outcome.Ok<FrequentistResult> ok)) {
            return Comparison.none(frequentist.noResult());
        }
        FrequentistResult f = ok.result();
        Outcome<Effect> absolute = Effect.of(control, treatment, Difference.ABSOLUTE);
        Outcome<Effect> relative = Effect.of(control, treatment, Difference.RELATIVE);
        Outcome<BayesianResult> bayesian = BayesianInference.run(control, treatment, options.difference(),
                options.prior(), options.alpha(), metric.getInverse());
        BayesianResult b = bayesian.hasResult() ? bayesian.get() : null;
        double varianceReduction = 0;
        if (control instanceof CupedStatistic c && treatment instanceof CupedStatistic t) {
            varianceReduction = Math.max(0, t.withTheta(Cuped.theta(c, t)).varianceReduction());
        }
        Plan plan = plan(control, options, variations, totalUnits, unitsPerDay, relative);
        return new Comparison(null, null, f.estimate(), f.lower(), f.upper(), f.pValue(), f.pValue(), f.lower(),
                f.upper(), f.significant(options.alpha()), absolute.hasResult() ? absolute.get().estimate() : 0,
                relative.hasResult() ? relative.get().estimate() : 0, b == null ? 0 : b.chanceToWin(),
                b == null ? 0 : b.lower(), b == null ? 0 : b.upper(), b == null ? 0 : b.risk().control(),
                b == null ? 0 : b.risk().treatment(), varianceReduction, plan.power(), plan.minimumDetectableEffect(),
                plan.unitsNeeded(), plan.daysToSignificance());
    }

    private record Plan(double power, double minimumDetectableEffect, long unitsNeeded, long daysToSignificance) {
    }

    /** Power and days to significance at the target effect (the observed one when none is given). */
    private static Plan plan(Statistic control, ResultOptions options, int variations, long totalUnits,
            double unitsPerDay, Outcome<Effect> relative) {
        double mean = control.unadjustedMean();
        double sd = Math.sqrt(control.variance());
        double target = options.targetEffect() > 0
                ? options.targetEffect()
                : relative.hasResult() ? Math.abs(relative.get().estimate()) : 0;
        if (mean == 0 || !(sd > 0) || !(target > 0) || totalUnits < 2) {
            return new Plan(0, 0, 0, -1);
        }
        Power.Metric metric = new Power.Metric(mean, sd);
        double tuning = options.sequential() ? options.tuning() : 0;
        long needed = Power.unitsNeeded(metric, target, Power.DEFAULT_POWER, variations, options.alpha(), tuning);
        return new Plan(Power.power(metric, target, totalUnits, variations, options.alpha(), true, tuning),
                Power.minimumDetectableEffect(metric, Power.DEFAULT_POWER, totalUnits, variations, options.alpha(),
                        tuning),
                needed, needed == Long.MAX_VALUE ? -1 : Power.daysToReach(needed, totalUnits, unitsPerDay));
    }

    /** Units per day from the first to the latest exposure, the span counted as at least a day. */
    static double unitsPerDay(long units, Instant first, Instant last) {
        if (first == null || last == null) {
            return 0;
        }
        double days = Math.max(1, Duration.between(first, last).toSeconds() / 86400.0);
        return units / days;
    }

    /** The metrics by key, for choosing. */
    public static Map<String, ExperimentMetric> byKey(List<ExperimentMetric> metrics) {
        Map<String, ExperimentMetric> out = new HashMap<>();
        metrics.forEach(m -> out.put(m.getKey(), m));
        return out;
    }
}
