package dev.flywheel.metrics.analysis;

import java.time.Instant;

/**
 * The maintained sums of one metric in one variation (ADR 0006): units, the value x, the denominator y, the CUPED
 * covariate p, their squares and products; for a winsorised metric also the cap they were computed under.
 */
public record Sums(long units, double x, double xx, double y, double yy, double xy, double p, double pp, double xp,
        double cap, Instant capAsOf) {

    /** A variation without units yet. */
    public static final Sums NONE = new Sums(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
}
