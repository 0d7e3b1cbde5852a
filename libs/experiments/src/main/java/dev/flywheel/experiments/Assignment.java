package dev.flywheel.experiments;

/**
 * The answer for one user and one experiment. When the user is not in the experiment, the variation is the first
 * (the control), as GrowthBook answers, and {@code inExperiment} is false. {@code stickyWrite} is the assignment to
 * store for this user, or null when nothing needs storing.
 */
public record Assignment(String experimentKey, boolean inExperiment, boolean hashUsed, int variationIndex,
        String variationKey, Object value, String hashAttribute, String hashValue, double bucket,
        boolean stickyBucketUsed, AssignmentReason reason, StickyWrite stickyWrite) {

    /** A variation to remember for (attribute, value) under {@code field}. */
    public record StickyWrite(String attribute, String value, String field, String variationKey) {
    }

    /** Whether this answer is an exposure: a user actually bucketed into a variation, not a QA override. */
    public boolean exposure() {
        return inExperiment && hashUsed;
    }
}
