package dev.flywheel.stats;

/** Absolute (treatment - control) or relative ((treatment - control) / |control|) effects. */
public enum Difference {
    ABSOLUTE, RELATIVE
}
