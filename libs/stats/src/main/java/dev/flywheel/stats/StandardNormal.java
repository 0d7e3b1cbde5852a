package dev.flywheel.stats;

import org.hipparchus.distribution.continuous.NormalDistribution;

/** The one N(0, 1) the engine's z-quantiles, densities and tail probabilities come from. */
final class StandardNormal {

    static final NormalDistribution N01 = new NormalDistribution(0, 1);

    private StandardNormal() {
    }
}
