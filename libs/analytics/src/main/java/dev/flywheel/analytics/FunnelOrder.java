package dev.flywheel.analytics;

/** How a funnel's steps must follow each other. */
public enum FunnelOrder {
    /** In order; other events may happen in between. */
    ORDERED,
    /** In order, with no other event of the person in between. */
    STRICT,
    /** Every step, in any order, inside the window. */
    UNORDERED
}
