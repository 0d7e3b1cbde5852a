package dev.flywheel.analytics;

/**
 * One event of a person's timeline, as a funnel sees it.
 *
 * @param atMillis
 *            event time
 * @param steps
 *            bit k set when the event matches step k (0 for an event matching no step: strict funnels
 *            need every event of the person to see what lies in between)
 * @param exclusions
 *            bit i set when the event matches exclusion i
 * @param breakdown
 *            the breakdown value the event carries, or null
 */
public record FunnelEvent(long atMillis, int steps, int exclusions, String breakdown) {

    boolean matches(int step) {
        return (steps & (1 << step)) != 0;
    }

    /** Sort position among events of the same millisecond: lower steps first, so equal times still convert. */
    int firstStep() {
        return steps == 0 ? Integer.MAX_VALUE : Integer.numberOfTrailingZeros(steps);
    }
}
