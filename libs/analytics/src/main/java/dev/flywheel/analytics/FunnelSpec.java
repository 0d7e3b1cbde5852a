package dev.flywheel.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A funnel to compute. Steps are numbered from 0; a path starts with a step-0 event inside [rangeStart, rangeEnd)
 * and later steps must come within {@code window} of it. A person whose best path stopped at step k is "in
 * progress" towards step k + 1 while that path's window is still open at {@code now}, and "dropped" after.
 *
 * @param exclusions
 *            an excluded event between steps {@code fromStep} and {@code toStep} of a path, inside its
 *            window, removes that path; bit i of {@link FunnelEvent#exclusions()} means exclusion i
 */
public record FunnelSpec(int steps, FunnelOrder order, Duration window, List<Exclusion> exclusions,
        Instant rangeStart, Instant rangeEnd, Instant now) {

    public static final int MAX_STEPS = 20;
    public static final int MAX_EXCLUSIONS = 10;

    public record Exclusion(int fromStep, int toStep) {
    }

    public FunnelSpec {
        if (steps < 2 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("a funnel has 2 to " + MAX_STEPS + " steps");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the conversion window must be positive");
        }
        exclusions = List.copyOf(exclusions);
        if (exclusions.size() > MAX_EXCLUSIONS) {
            throw new IllegalArgumentException("a funnel has at most " + MAX_EXCLUSIONS + " exclusions");
        }
        for (Exclusion exclusion : exclusions) {
            if (exclusion.fromStep() < 0 || exclusion.toStep() >= steps
                    || exclusion.fromStep() >= exclusion.toStep()) {
                throw new IllegalArgumentException("an exclusion lies between two steps of the funnel, "
                        + "the first before the second");
            }
        }
    }

    long windowMillis() {
        return window.toMillis();
    }
}
