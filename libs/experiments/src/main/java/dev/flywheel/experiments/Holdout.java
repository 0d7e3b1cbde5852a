package dev.flywheel.experiments;

import dev.flywheel.bucketing.Bucketing;

/**
 * A project-wide share of users kept out of every experiment, to measure the combined effect of everything shipped.
 * Membership depends only on the project and the user's hash value, so it is the same in every experiment.
 */
public record Holdout(String seed, double share) {

    public static final Holdout NONE = new Holdout("", 0);

    public static Holdout of(String projectId, double share) {
        return new Holdout("__holdout__" + projectId, share);
    }

    public boolean contains(String hashValue) {
        return share > 0 && Bucketing.hash(seed, hashValue, 2) < share;
    }
}
