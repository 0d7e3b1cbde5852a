package dev.flywheel.metrics.model;

/** What to count about matching events: how many, how many people, or the sum of a numeric property. */
public record Metric(String name, EventMatch events, Aggregation aggregation, String property) {

    public enum Aggregation {
        TOTAL, UNIQUE_USERS, SUM
    }
}
