package dev.flywheel.experiments;

/** One arm of an experiment: a stable key (what sticky buckets and exposures record), a label and its value. */
public record Variation(String key, String name, Object value) {
}
