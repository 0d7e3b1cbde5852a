package dev.flywheel.metrics.model;

/** One project environment: every query reads exactly one. */
public record Scope(String projectId, String environment) {
}
