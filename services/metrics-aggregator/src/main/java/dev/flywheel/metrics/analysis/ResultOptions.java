package dev.flywheel.metrics.analysis;

import dev.flywheel.stats.BayesianInference;
import dev.flywheel.stats.Difference;
import dev.flywheel.stats.MultipleTesting;

/**
 * How results are computed: the control variation, the difference reported, the significance level, sequential
 * testing and its tuning, the correction across goal metrics, the Bayesian prior and the effect planning aims at
 * (0: the observed one).
 */
public record ResultOptions(int control, Difference difference, double alpha, boolean sequential, double tuning,
        MultipleTesting.Correction correction, BayesianInference.Prior prior, double targetEffect) {
}
