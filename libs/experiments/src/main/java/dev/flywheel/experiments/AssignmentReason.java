package dev.flywheel.experiments;

/** Why a user got the answer they got. */
public enum AssignmentReason {
    /** Bucketed by hashing: the normal case. */
    HASHED,
    /** A variation stored for this user earlier (sticky bucketing). */
    STICKY,
    /** A QA override: the experiment forces this user's variation, or the URL names one. */
    FORCED,
    /** The experiment is stopped and its winner is served to every user it targets. */
    RELEASED,
    /** Draft, stopped without a winner, or outside its schedule. */
    NOT_RUNNING,
    /** The user has no value for the hash attribute (nor the fallback). */
    MISSING_HASH_ATTRIBUTE,
    /** The project's holdout keeps this user out of every experiment. */
    HOLDOUT,
    /** Outside the experiment's namespace range or hash filters. */
    NAMESPACE,
    /** The targeting condition did not match. */
    TARGETING,
    /** Hashed outside the covered share of traffic. */
    COVERAGE,
    /** The user was bucketed in a bucket version older than the experiment's minimum. */
    VERSION_BLOCKED
}
