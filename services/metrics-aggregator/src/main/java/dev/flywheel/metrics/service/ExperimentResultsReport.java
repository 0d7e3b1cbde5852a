package dev.flywheel.metrics.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.store.MetricValueWriter;
import dev.flywheel.metrics.store.Scope;
import dev.flywheel.proto.analytics.v1.BayesianPrior;
import dev.flywheel.proto.analytics.v1.Comparison;
import dev.flywheel.proto.analytics.v1.Correction;
import dev.flywheel.proto.analytics.v1.ExperimentHealth;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.ExperimentResults;
import dev.flywheel.proto.analytics.v1.GetExperimentResultsRequest;
import dev.flywheel.proto.analytics.v1.MetricResult;
import dev.flywheel.proto.analytics.v1.MetricType;
import dev.flywheel.proto.analytics.v1.VariationResult;
import dev.flywheel.service.grpc.ProtoValues;
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
import dev.flywheel.stats.Outcome;
import dev.flywheel.stats.Power;
import dev.flywheel.stats.ProportionStatistic;
import dev.flywheel.stats.RatioStatistic;
import dev.flywheel.stats.Statistic;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * An experiment's results: each metric per variation against the control, from the maintained per-variation sums
 * (never from events), with the health check, the correction across goal metrics, Bayesian chance to win and risk,
 * and planning (power, days to significance).
 */
@ApplicationScoped
public class ExperimentResultsReport {

    static final int MAX_METRICS = 50;
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private final Pool pool;
    private final ExperimentHealthService health;

    public ExperimentResultsReport(Pool pool, ExperimentHealthService health) {
        this.pool = pool;
        this.health = health;
    }

    /** The sums of one metric in one variation. */
    private record Sums(long units, double x, double xx, double y, double yy, double xy, double p, double pp,
            double xp, double cap, OffsetDateTime capAsOf) {
        static Sums of(Row row, boolean capped) {
            return new Sums(row.getLong("units"), row.getDouble("sum_x"), row.getDouble("sum_xx"),
                    row.getDouble("sum_y"), row.getDouble("sum_yy"), row.getDouble("sum_xy"), row.getDouble("sum_p"),
                    row.getDouble("sum_pp"), row.getDouble("sum_xp"), capped ? row.getDouble("cap") : 0,
                    capped ? row.getOffsetDateTime("computed_at") : null);
        }

        static final Sums NONE = new Sums(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
    }

    private record Stored(List<ExperimentMetric> metrics, Map<String, Boolean> complete,
            Map<String, Map<Integer, Sums>> raw, Map<String, Map<Integer, Sums>> capped, OffsetDateTime first,
            OffsetDateTime last) {
    }

    /** The request's options, checked. */
    private record Options(int control, Difference difference, double alpha, boolean sequential, double tuning,
            MultipleTesting.Correction correction, BayesianInference.Prior prior, double targetEffect) {
    }

    public Uni<ExperimentResults> results(Scope scope, GetExperimentResultsRequest request) {
        Options options = options(request);
        Set<String> wanted = new LinkedHashSet<>(request.getMetricKeysList());
        if (wanted.size() > MAX_METRICS) {
            throw AnalyticsException.invalid("metricKeys: at most " + MAX_METRICS);
        }
        for (String key : wanted) {
            if (!KEY.matcher(key).matches()) {
                throw AnalyticsException.invalid("metricKeys: '" + shorten(key) + "' is not a metric key");
            }
        }
        String experiment = request.getExperimentKey();
        // the metrics named are checked first: a missing one is the answer even before the first exposure
        return stored(scope, experiment).invoke(stored -> requireDefined(stored, wanted))
                .chain(stored -> health.health(scope, experiment)
                        .map(found -> found == null ? null : report(found, stored, wanted, options)));
    }

    private static void requireDefined(Stored stored, Set<String> wanted) {
        Set<String> missing = new LinkedHashSet<>(wanted);
        stored.metrics().forEach(metric -> missing.remove(metric.getKey()));
        if (!missing.isEmpty()) {
            throw new AnalyticsException(AnalyticsFailure.NOT_FOUND, "no experiment metric " + String.join(", ",
                    missing.stream().map(key -> "'" + key + "'").toList())
                    + " in this project: define it at /api/v1/projects/{project}/experiment-metrics/{key}");
        }
    }

    private static Options options(GetExperimentResultsRequest request) {
        if (request.getControlIndex() < 0) {
            throw AnalyticsException.invalid("controlIndex must not be negative");
        }
        double alpha = request.getAlpha() == 0 ? FrequentistInference.DEFAULT_ALPHA : request.getAlpha();
        if (!(alpha > 0 && alpha <= 0.5)) {
            throw AnalyticsException.invalid("alpha is above 0 and at most 0.5");
        }
        if (!(request.getSequentialTuning() >= 0 && request.getSequentialTuning() <= 1e9)) {
            throw AnalyticsException.invalid("sequentialTuning is 0 (default 5000) to 1e9");
        }
        if (!(request.getTargetEffect() >= 0 && request.getTargetEffect() <= 100)) {
            throw AnalyticsException.invalid("targetEffect is a relative effect from 0 (the observed one) to 100");
        }
        BayesianInference.Prior prior = BayesianInference.Prior.FLAT;
        if (request.hasPrior()) {
            BayesianPrior given = request.getPrior();
            if (!(given.getVariance() > 0 && given.getVariance() < 1e6) || !Double.isFinite(given.getMean())) {
                throw AnalyticsException.invalid("prior.variance must be positive (and the mean finite)");
            }
            prior = new BayesianInference.Prior(given.getMean(), given.getVariance(), true);
        }
        Difference difference = switch (request.getDifference()) {
            case DIFFERENCE_UNSPECIFIED, DIFFERENCE_RELATIVE -> Difference.RELATIVE;
            case DIFFERENCE_ABSOLUTE -> Difference.ABSOLUTE;
            case UNRECOGNIZED -> throw AnalyticsException.invalid("difference is relative or absolute");
        };
        MultipleTesting.Correction correction = switch (request.getCorrection()) {
            case CORRECTION_UNSPECIFIED, CORRECTION_HOLM -> MultipleTesting.Correction.HOLM;
            case CORRECTION_NONE -> MultipleTesting.Correction.NONE;
            case CORRECTION_BENJAMINI_HOCHBERG -> MultipleTesting.Correction.BENJAMINI_HOCHBERG;
            case UNRECOGNIZED -> throw AnalyticsException.invalid("correction is none, holm or benjamini_hochberg");
        };
        return new Options(request.getControlIndex(), difference, alpha, request.getSequential(),
                request.getSequentialTuning() == 0
                        ? FrequentistInference.DEFAULT_SEQUENTIAL_TUNING
                        : request.getSequentialTuning(),
                correction, prior, request.getTargetEffect());
    }

    private Uni<Stored> stored(Scope scope, String experiment) {
        Tuple key = Tuple.of(scope.projectId(), scope.environment(), experiment);
        Uni<RowSet<Row>> metrics = pool.preparedQuery("SELECT definition, version, rebuild_cursor IS NULL"
                + " FROM experiment_metric WHERE project_id = $1 ORDER BY metric_key")
                .execute(Tuple.of(scope.projectId()));
        Uni<RowSet<Row>> raw = pool.preparedQuery("SELECT * FROM experiment_metric_stats WHERE project_id = $1"
                + " AND environment = $2 AND experiment_key = $3").execute(key);
        Uni<RowSet<Row>> capped = pool.preparedQuery("SELECT * FROM experiment_metric_capped WHERE project_id = $1"
                + " AND environment = $2 AND experiment_key = $3").execute(key);
        Uni<RowSet<Row>> span = pool.preparedQuery("SELECT min(first_exposed_at), max(last_exposed_at)"
                + " FROM experiment_variation WHERE project_id = $1 AND environment = $2 AND experiment_key = $3")
                .execute(key);
        return Uni.combine().all().unis(metrics, raw, capped, span).with((m, r, c, s) -> {
            List<ExperimentMetric> definitions = new ArrayList<>();
            Map<String, Boolean> complete = new HashMap<>();
            for (Row row : m) {
                ExperimentMetric metric = MetricValueWriter.parse(row.getBuffer(0).getBytes()).toBuilder()
                        .setVersion(row.getLong(1)).build();
                definitions.add(metric);
                complete.put(metric.getKey(), row.getBoolean(2));
            }
            Row times = s.iterator().next();
            return new Stored(definitions, complete, sums(r, false), sums(c, true), times.getOffsetDateTime(0),
                    times.getOffsetDateTime(1));
        });
    }

    private static Map<String, Map<Integer, Sums>> sums(RowSet<Row> rows, boolean capped) {
        Map<String, Map<Integer, Sums>> out = new HashMap<>();
        for (Row row : rows) {
            out.computeIfAbsent(row.getString("metric_key"), k -> new HashMap<>())
                    .put(row.getInteger("variation_index"), Sums.of(row, capped));
        }
        return out;
    }

    private static ExperimentResults report(ExperimentHealthService.Health found, Stored stored, Set<String> wanted,
            Options options) {
        ExperimentHealth healthProto = ExperimentHealthService.toProto(found);
        int variations = found.variations().size();
        if (options.control() >= variations) {
            throw AnalyticsException.invalid("controlIndex " + options.control() + " is not a variation (the "
                    + "experiment has " + variations + ")");
        }
        ExperimentResults.Builder out = ExperimentResults.newBuilder().setExperimentKey(found.experimentKey())
                .setHealth(healthProto).setControlIndex(options.control())
                .setDifference(options.difference() == Difference.RELATIVE
                        ? dev.flywheel.proto.analytics.v1.Difference.DIFFERENCE_RELATIVE
                        : dev.flywheel.proto.analytics.v1.Difference.DIFFERENCE_ABSOLUTE)
                .setAlpha(options.alpha()).setSequential(options.sequential())
                .setCorrection(switch (options.correction()) {
                    case NONE -> Correction.CORRECTION_NONE;
                    case HOLM -> Correction.CORRECTION_HOLM;
                    case BENJAMINI_HOCHBERG -> Correction.CORRECTION_BENJAMINI_HOCHBERG;
                });
        if (found.srm().mismatch()) {
            out.addWarnings(String.format(Locale.ROOT, "Sample ratio mismatch: the units per variation do not match"
                    + " the split (p = %.3g < 0.001). Assignment or tracking is broken; do not trust these results.",
                    found.srm().pValue()));
        }
        double unitsPerDay = unitsPerDay(found.totalUnits(), stored.first(), stored.last());
        out.setUnitsPerDay(unitsPerDay);

        Map<String, ExperimentMetric> byKey = new HashMap<>();
        stored.metrics().forEach(m -> byKey.put(m.getKey(), m));
        List<ExperimentMetric> chosen = new ArrayList<>();
        if (wanted.isEmpty()) {
            chosen.addAll(stored.metrics());
        } else {
            for (String key : wanted) {
                chosen.add(byKey.get(key)); // all defined: requireDefined checked
            }
        }

        // Goal comparisons with a p-value, for the correction: (metric position, variation position).
        List<int[]> corrected = new ArrayList<>();
        List<Double> pValues = new ArrayList<>();
        List<MetricResult.Builder> metricResults = new ArrayList<>();
        for (ExperimentMetric metric : chosen) {
            MetricResult.Builder result = MetricResult.newBuilder().setMetricKey(metric.getKey())
                    .setName(metric.getName()).setType(metric.getType()).setInverse(metric.getInverse())
                    .setGuardrail(metric.getGuardrail())
                    .setComplete(Boolean.TRUE.equals(stored.complete().get(metric.getKey())));
            if (!result.getComplete()) {
                out.addWarnings("Metric '" + metric.getKey() + "' is still being computed over the units exposed "
                        + "before its definition changed; its numbers are partial.");
            }
            Map<Integer, Sums> sums = stored.raw().getOrDefault(metric.getKey(), Map.of());
            if (metric.getWinsorizePercentile() > 0) {
                Map<Integer, Sums> capped = stored.capped().get(metric.getKey());
                if (capped != null) {
                    sums = capped;
                    Sums any = capped.values().iterator().next();
                    result.setCap(any.cap()).setCapAsOf(ProtoValues.timestamp(any.capAsOf().toInstant()));
                } else {
                    out.addWarnings("Metric '" + metric.getKey() + "' is winsorised but its cap is not computed yet;"
                            + " its numbers are uncapped.");
                }
            }
            Statistic[] statistics = new Statistic[variations];
            for (int v = 0; v < variations; v++) {
                statistics[v] = statistic(metric, sums.getOrDefault(v, Sums.NONE));
            }
            for (int v = 0; v < variations; v++) {
                ExperimentHealthService.Variation arm = found.variations().get(v);
                Sums s = sums.getOrDefault(v, Sums.NONE);
                VariationResult.Builder variation = VariationResult.newBuilder().setIndex(v).setKey(arm.key())
                        .setUnits(s.units()).setMean(mean(statistics[v])).setNumeratorSum(s.x())
                        .setDenominatorSum(s.y()).setControl(v == options.control());
                if (v != options.control()) {
                    Comparison comparison = compare(metric, statistics[options.control()], statistics[v], options,
                            variations, found.totalUnits(), unitsPerDay);
                    variation.setComparison(comparison);
                    if (!metric.getGuardrail() && comparison.getNoResult().isEmpty()) {
                        corrected.add(new int[]{metricResults.size(), v});
                        pValues.add(comparison.getPValue());
                    }
                }
                result.addVariations(variation);
            }
            metricResults.add(result);
        }
        double[] adjusted = MultipleTesting.adjust(pValues.stream().mapToDouble(Double::doubleValue).toArray(),
                options.correction());
        for (int i = 0; i < adjusted.length; i++) {
            int[] at = corrected.get(i);
            VariationResult.Builder variation = metricResults.get(at[0]).getVariationsBuilder(at[1]);
            Comparison.Builder comparison = variation.getComparison().toBuilder().setAdjustedPValue(adjusted[i])
                    .setSignificant(adjusted[i] < options.alpha());
            if (options.correction() != MultipleTesting.Correction.NONE) {
                double[] interval = MultipleTesting.adjustedInterval(adjusted[i], comparison.getEstimate(),
                        options.alpha());
                comparison.setAdjustedLower(interval == null ? Double.NEGATIVE_INFINITY : interval[0])
                        .setAdjustedUpper(interval == null ? Double.POSITIVE_INFINITY : interval[1]);
            }
            variation.setComparison(comparison);
        }
        metricResults.forEach(out::addMetrics);
        return out.build();
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
            Options options, int variations, long totalUnits, double unitsPerDay) {
        Alternative alternative = !metric.getGuardrail()
                ? Alternative.TWO_SIDED
                : metric.getInverse() ? Alternative.GREATER : Alternative.LESSER;
        Outcome<FrequentistResult> frequentist = options.sequential()
                ? FrequentistInference.sequential(control, treatment, options.difference(), alternative,
                        options.alpha(),
                        options.tuning())
                : FrequentistInference.fixed(control, treatment, options.difference(), alternative, options.alpha());
        Comparison.Builder out = Comparison.newBuilder();
        if (!(frequentist instanceof Outcome.Ok<FrequentistResult> ok)) {
            return out.setNoResult(frequentist.noResult().reason().name())
                    .setNoResultMessage(frequentist.noResult().message()).build();
        }
        FrequentistResult f = ok.result();
        out.setEstimate(f.estimate()).setLower(f.lower()).setUpper(f.upper()).setPValue(f.pValue())
                .setAdjustedPValue(f.pValue()).setAdjustedLower(f.lower()).setAdjustedUpper(f.upper())
                .setSignificant(f.significant(options.alpha()));
        Outcome<Effect> absolute = Effect.of(control, treatment, Difference.ABSOLUTE);
        Outcome<Effect> relative = Effect.of(control, treatment, Difference.RELATIVE);
        if (absolute.hasResult()) {
            out.setAbsoluteEffect(absolute.get().estimate());
        }
        if (relative.hasResult()) {
            out.setRelativeEffect(relative.get().estimate());
        }
        Outcome<BayesianResult> bayesian = BayesianInference.run(control, treatment, options.difference(),
                options.prior(), options.alpha(), metric.getInverse());
        if (bayesian.hasResult()) {
            BayesianResult b = bayesian.get();
            out.setChanceToWin(b.chanceToWin()).setCredibleLower(b.lower()).setCredibleUpper(b.upper())
                    .setRiskControl(b.risk().control()).setRiskTreatment(b.risk().treatment());
        }
        if (control instanceof CupedStatistic c && treatment instanceof CupedStatistic t) {
            double theta = Cuped.theta(c, t);
            out.setVarianceReduction(Math.max(0, t.withTheta(theta).varianceReduction()));
        }
        plan(out, control, options, variations, totalUnits, unitsPerDay, relative);
        return out.build();
    }

    /** Power and days to significance at the target effect (the observed one when none is given). */
    private static void plan(Comparison.Builder out, Statistic control, Options options, int variations,
            long totalUnits, double unitsPerDay, Outcome<Effect> relative) {
        double mean = control.unadjustedMean();
        double sd = Math.sqrt(control.variance());
        double target = options.targetEffect() > 0
                ? options.targetEffect()
                : relative.hasResult() ? Math.abs(relative.get().estimate()) : 0;
        out.setDaysToSignificance(-1);
        if (mean == 0 || !(sd > 0) || !(target > 0) || totalUnits < 2) {
            return;
        }
        Power.Metric metric = new Power.Metric(mean, sd);
        double tuning = options.sequential() ? options.tuning() : 0;
        out.setPower(Power.power(metric, target, totalUnits, variations, options.alpha(), true, tuning));
        out.setMinimumDetectableEffect(Power.minimumDetectableEffect(metric, Power.DEFAULT_POWER, totalUnits,
                variations, options.alpha(), tuning));
        long needed = Power.unitsNeeded(metric, target, Power.DEFAULT_POWER, variations, options.alpha(), tuning);
        out.setUnitsNeeded(needed);
        out.setDaysToSignificance(needed == Long.MAX_VALUE
                ? -1
                : Power.daysToReach(needed, totalUnits, unitsPerDay));
    }

    /** Units per day from the first to the latest exposure, the span counted as at least a day. */
    private static double unitsPerDay(long units, OffsetDateTime first, OffsetDateTime last) {
        if (first == null || last == null) {
            return 0;
        }
        double days = Math.max(1, Duration.between(first, last).toSeconds() / 86400.0);
        return units / days;
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
