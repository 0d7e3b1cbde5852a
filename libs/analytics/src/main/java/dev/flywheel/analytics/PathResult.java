package dev.flywheel.analytics;

import java.util.List;

/** Paths as counted by {@link PathCalculator}. Steps are the diagram's columns, from 1. */
public final class PathResult {

    private PathResult() {
    }

    /**
     * @param breakdown
     *            the group, or null without groups
     * @param people
     *            people with a path
     */
    public record Group(String breakdown, long people, List<Node> nodes, List<Edge> edges) {
    }

    /**
     * @param leaving
     *            people whose path ends here
     */
    public record Node(int step, String label, long people, long leaving) {
    }

    /** People who went from {@code from} at {@code step} to {@code to} at the next step. */
    public record Edge(int step, String from, String to, long people) {
    }
}
