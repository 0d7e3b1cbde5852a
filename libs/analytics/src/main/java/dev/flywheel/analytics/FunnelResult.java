package dev.flywheel.analytics;

import java.util.List;

/** A funnel's answer. */
public final class FunnelResult {

    private FunnelResult() {
    }

    /** The steps of one breakdown value (null: no breakdown, or the property was missing). */
    public record Group(String breakdown, List<Step> steps) {
    }

    /**
     * One step.
     *
     * @param count
     *            units that reached it
     * @param conversionFromPrevious
     *            count over the previous step's count (1 for step 0)
     * @param conversionFromFirst
     *            count over step 0's count
     * @param inProgress
     *            reached the previous step and can still convert: the window is open
     * @param dropped
     *            reached the previous step, did not convert, window closed
     * @param medianSecondsToConvert
     *            from the previous step, over units that reached this one; null for step 0
     * @param meanSecondsToConvert
     *            likewise
     */
    public record Step(int index, long count, double conversionFromPrevious, double conversionFromFirst,
            long inProgress, long dropped, Double medianSecondsToConvert, Double meanSecondsToConvert) {
    }
}
