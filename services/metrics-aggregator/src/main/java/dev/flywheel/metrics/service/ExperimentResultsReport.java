package dev.flywheel.metrics.service;

import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.analysis.ExperimentAnalysis;
import dev.flywheel.metrics.analysis.ExperimentSums;
import dev.flywheel.metrics.analysis.ResultOptions;
import dev.flywheel.metrics.analysis.Sums;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.ExperimentStatsStore;
import dev.flywheel.proto.analytics.v1.BayesianPrior;
import dev.flywheel.proto.analytics.v1.Correction;
import dev.flywheel.proto.analytics.v1.DayResults;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.ExperimentResults;
import dev.flywheel.proto.analytics.v1.GetExperimentResultsRequest;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import dev.flywheel.stats.BayesianInference;
import dev.flywheel.stats.Difference;
import dev.flywheel.stats.FrequentistInference;
import dev.flywheel.stats.MultipleTesting;
import io.smallrye.mutiny.Uni;

/**
 * An experiment's results: the request's options checked, the sums read ({@link ExperimentStatsStore}), the health
 * check, then the pure {@link ExperimentAnalysis} and its mapping to the contract ({@link ExperimentResultsMapper}).
 */
@ApplicationScoped
public class ExperimentResultsReport {

    static final int MAX_METRICS = 50;
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private final ExperimentStatsStore store;
    private final ExperimentHealthService health;

    public ExperimentResultsReport(ExperimentStatsStore store, ExperimentHealthService health) {
        this.store = store;
        this.health = health;
    }

    public Uni<ExperimentResults> results(Scope scope, GetExperimentResultsRequest request) {
        ResultOptions options = options(request);
        Set<String> wanted = new LinkedHashSet<>(request.getMetricKeysList());
        if (wanted.size() > MAX_METRICS) {
            throw RefusedRequest.invalid("metricKeys: at most " + MAX_METRICS);
        }
        for (String key : wanted) {
            if (!KEY.matcher(key).matches()) {
                throw RefusedRequest.invalid("metricKeys: '" + shorten(key) + "' is not a metric key");
            }
        }
        String experiment = request.getExperimentKey();
        // the metrics named are checked first: a missing one is the answer even before the first exposure
        Uni<Report> current = store.sums(scope, experiment).map(sums -> chosen(sums, wanted))
                .chain(chosen -> health.health(scope, experiment)
                        .map(found -> found == null ? null : report(found, chosen, options)));
        if (!request.getOverTime()) {
            return current.map(report -> report == null ? null : report.results());
        }
        return current.chain(report -> report == null
                ? Uni.createFrom().<ExperimentResults>nullItem()
                : store.daily(scope, experiment).map(days -> overTime(report, days, options)));
    }

    /** The current results, and what they were computed from (to compute each day's the same way). */
    private record Report(ExperimentResults results, ExperimentHealthService.Health health, Chosen chosen) {
    }

    private static ExperimentResults overTime(Report report, Map<LocalDate, Map<String, Map<Integer, Sums>>> days,
            ResultOptions options) {
        ExperimentResults.Builder results = report.results().toBuilder();
        ExperimentSums now = report.chosen().sums();
        List<ExperimentMetric> plain = report.chosen().metrics().stream()
                .filter(metric -> metric.getWinsorizePercentile() == 0).toList();
        days.forEach((day, sums) -> {
            ExperimentSums closing = new ExperimentSums(now.metrics(), now.complete(), sums, Map.of(),
                    now.firstExposure(), now.lastExposure());
            ExperimentResults onDay = report(report.health(), new Chosen(closing, plain), options).results();
            results.addOverTime(DayResults.newBuilder().setDay(day.toString()).addAllMetrics(onDay
                    .getMetricsList()));
        });
        return results.build();
    }

    private record Chosen(ExperimentSums sums, List<ExperimentMetric> metrics) {
    }

    /** The metrics asked for (all when none are named), each one defined. */
    private static Chosen chosen(ExperimentSums sums, Set<String> wanted) {
        if (wanted.isEmpty()) {
            return new Chosen(sums, sums.metrics());
        }
        Map<String, ExperimentMetric> byKey = ExperimentAnalysis.byKey(sums.metrics());
        Set<String> missing = new LinkedHashSet<>(wanted);
        missing.removeAll(byKey.keySet());
        if (!missing.isEmpty()) {
            throw new RefusedRequest(Refusal.NOT_FOUND, "no experiment metric " + String.join(", ",
                    missing.stream().map(key -> "'" + key + "'").toList())
                    + " in this project: define it at /api/v1/projects/{project}/experiment-metrics/{key}");
        }
        return new Chosen(sums, wanted.stream().map(byKey::get).toList());
    }

    private static Report report(ExperimentHealthService.Health found, Chosen chosen, ResultOptions options) {
        ExperimentSums sums = chosen.sums();
        int variations = found.variations().size();
        if (options.control() >= variations) {
            throw RefusedRequest.invalid("controlIndex " + options.control() + " is not a variation (the "
                    + "experiment has " + variations + ")");
        }
        ExperimentAnalysis.Arms arms = new ExperimentAnalysis.Arms(
                found.variations().stream().map(ExperimentHealthService.Variation::key).toList(),
                found.totalUnits(), found.srm().mismatch(), found.srm().pValue());
        return new Report(ExperimentResultsMapper.toProto(found, options,
                ExperimentAnalysis.analyse(arms, sums, chosen.metrics(), options)), found, chosen);
    }

    static ResultOptions options(GetExperimentResultsRequest request) {
        if (request.getControlIndex() < 0) {
            throw RefusedRequest.invalid("controlIndex must not be negative");
        }
        double alpha = request.getAlpha() == 0 ? FrequentistInference.DEFAULT_ALPHA : request.getAlpha();
        if (!(alpha > 0 && alpha <= 0.5)) {
            throw RefusedRequest.invalid("alpha is above 0 and at most 0.5");
        }
        if (!(request.getSequentialTuning() >= 0 && request.getSequentialTuning() <= 1e9)) {
            throw RefusedRequest.invalid("sequentialTuning is 0 (default 5000) to 1e9");
        }
        if (!(request.getTargetEffect() >= 0 && request.getTargetEffect() <= 100)) {
            throw RefusedRequest.invalid("targetEffect is a relative effect from 0 (the observed one) to 100");
        }
        BayesianInference.Prior prior = BayesianInference.Prior.FLAT;
        if (request.hasPrior()) {
            BayesianPrior given = request.getPrior();
            if (!(given.getVariance() > 0 && given.getVariance() < 1e6) || !Double.isFinite(given.getMean())) {
                throw RefusedRequest.invalid("prior.variance must be positive (and the mean finite)");
            }
            prior = new BayesianInference.Prior(given.getMean(), given.getVariance(), true);
        }
        Difference difference = switch (request.getDifference()) {
            case DIFFERENCE_UNSPECIFIED, DIFFERENCE_RELATIVE -> Difference.RELATIVE;
            case DIFFERENCE_ABSOLUTE -> Difference.ABSOLUTE;
            case UNRECOGNIZED -> throw RefusedRequest.invalid("difference is relative or absolute");
        };
        MultipleTesting.Correction correction = switch (request.getCorrection()) {
            case CORRECTION_UNSPECIFIED, CORRECTION_HOLM -> MultipleTesting.Correction.HOLM;
            case CORRECTION_NONE -> MultipleTesting.Correction.NONE;
            case CORRECTION_BENJAMINI_HOCHBERG -> MultipleTesting.Correction.BENJAMINI_HOCHBERG;
            case UNRECOGNIZED -> throw RefusedRequest.invalid("correction is none, holm or benjamini_hochberg");
        };
        return new ResultOptions(request.getControlIndex(), difference, alpha, request.getSequential(),
                request.getSequentialTuning() == 0
                        ? FrequentistInference.DEFAULT_SEQUENTIAL_TUNING
                        : request.getSequentialTuning(),
                correction, prior, request.getTargetEffect());
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
