package dev.flywheel.metrics.service;

import dev.flywheel.metrics.analysis.ExperimentAnalysis;
import dev.flywheel.metrics.analysis.ResultOptions;
import dev.flywheel.proto.analytics.v1.Comparison;
import dev.flywheel.proto.analytics.v1.Correction;
import dev.flywheel.proto.analytics.v1.ExperimentResults;
import dev.flywheel.proto.analytics.v1.MetricResult;
import dev.flywheel.proto.analytics.v1.VariationResult;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.stats.Difference;

/** An experiment's analysed results as the contract's ExperimentResults. */
final class ExperimentResultsMapper {

    private ExperimentResultsMapper() {
    }

    static ExperimentResults toProto(ExperimentHealthService.Health health, ResultOptions options,
            ExperimentAnalysis.Results results) {
        ExperimentResults.Builder out = ExperimentResults.newBuilder().setExperimentKey(health.experimentKey())
                .setHealth(ExperimentHealthService.toProto(health)).setControlIndex(options.control())
                .setDifference(options.difference() == Difference.RELATIVE
                        ? dev.flywheel.proto.analytics.v1.Difference.DIFFERENCE_RELATIVE
                        : dev.flywheel.proto.analytics.v1.Difference.DIFFERENCE_ABSOLUTE)
                .setAlpha(options.alpha()).setSequential(options.sequential())
                .setCorrection(switch (options.correction()) {
                    case NONE -> Correction.CORRECTION_NONE;
                    case HOLM -> Correction.CORRECTION_HOLM;
                    case BENJAMINI_HOCHBERG -> Correction.CORRECTION_BENJAMINI_HOCHBERG;
                }).addAllWarnings(results.warnings()).setUnitsPerDay(results.unitsPerDay());
        for (ExperimentAnalysis.MetricResult metric : results.metrics()) {
            MetricResult.Builder result = MetricResult.newBuilder().setMetricKey(metric.metric().getKey())
                    .setName(metric.metric().getName()).setType(metric.metric().getType())
                    .setInverse(metric.metric().getInverse()).setGuardrail(metric.metric().getGuardrail())
                    .setComplete(metric.complete());
            if (metric.capAsOf() != null) {
                result.setCap(metric.cap()).setCapAsOf(ProtoValues.timestamp(metric.capAsOf()));
            }
            for (ExperimentAnalysis.Arm arm : metric.arms()) {
                VariationResult.Builder variation = VariationResult.newBuilder().setIndex(arm.index())
                        .setKey(arm.key()).setUnits(arm.units()).setMean(arm.mean())
                        .setNumeratorSum(arm.numeratorSum()).setDenominatorSum(arm.denominatorSum())
                        .setControl(arm.control());
                if (arm.comparison() != null) {
                    variation.setComparison(comparison(arm.comparison()));
                }
                result.addVariations(variation);
            }
            out.addMetrics(result);
        }
        return out.build();
    }

    private static Comparison comparison(ExperimentAnalysis.Comparison c) {
        if (!c.hasResult()) {
            return Comparison.newBuilder().setNoResult(c.noResult()).setNoResultMessage(c.noResultMessage()).build();
        }
        return Comparison.newBuilder().setEstimate(c.estimate()).setLower(c.lower()).setUpper(c.upper())
                .setPValue(c.pValue()).setAdjustedPValue(c.adjustedPValue()).setAdjustedLower(c.adjustedLower())
                .setAdjustedUpper(c.adjustedUpper()).setSignificant(c.significant())
                .setAbsoluteEffect(c.absoluteEffect()).setRelativeEffect(c.relativeEffect())
                .setChanceToWin(c.chanceToWin()).setCredibleLower(c.credibleLower())
                .setCredibleUpper(c.credibleUpper()).setRiskControl(c.riskControl())
                .setRiskTreatment(c.riskTreatment()).setVarianceReduction(c.varianceReduction()).setPower(c.power())
                .setMinimumDetectableEffect(c.minimumDetectableEffect()).setUnitsNeeded(c.unitsNeeded())
                .setDaysToSignificance(c.daysToSignificance()).build();
    }
}
