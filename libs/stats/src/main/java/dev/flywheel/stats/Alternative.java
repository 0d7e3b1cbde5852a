package dev.flywheel.stats;

/** Which differences a test looks for: either direction, or one (guardrails ask "did it get worse?"). */
public enum Alternative {
    TWO_SIDED, GREATER, LESSER
}
