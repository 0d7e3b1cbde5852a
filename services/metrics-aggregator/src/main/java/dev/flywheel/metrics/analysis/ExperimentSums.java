package dev.flywheel.metrics.analysis;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.flywheel.proto.analytics.v1.ExperimentMetric;

/**
 * What results are computed from, as stored: the project's metric definitions (and whether each one's backfill is
 * complete), the per-variation sums by metric key, raw and capped, and the span of the experiment's exposures.
 */
public record ExperimentSums(List<ExperimentMetric> metrics, Map<String, Boolean> complete,
        Map<String, Map<Integer, Sums>> raw, Map<String, Map<Integer, Sums>> capped, Instant firstExposure,
        Instant lastExposure) {
}
