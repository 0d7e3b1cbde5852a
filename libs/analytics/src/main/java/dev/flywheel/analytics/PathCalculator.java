package dev.flywheel.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Paths (see {@link PathSpec}): how many people were at each label in each column, moved along each edge, and left
 * the path at each label; optionally per breakdown group (a cohort, a variation). Each person's path is kept compact
 * (label numbers), so the people on any edge can be listed after the counts.
 */
public final class PathCalculator {

    /** What labels with too small a share of a column's people are shown as. */
    public static final String OTHER = "$other";

    private final PathSpec spec;
    private final String start;
    private final String end;
    private final Map<String, Integer> labelIds = new HashMap<>();
    private final List<String> labels = new ArrayList<>();
    private final List<Walk> walks = new ArrayList<>();

    /** One person's path: labels by number, and the column of the first one. */
    private record Walk(String person, String group, int[] labels, int firstColumn) {
    }

    public PathCalculator(PathSpec spec) {
        this.spec = spec;
        this.start = spec.start() == null ? null : spec.clean(spec.start());
        this.end = spec.end() == null ? null : spec.clean(spec.end());
    }

    /**
     * Adds one person's events, in any order (events of the same millisecond are taken in label order).
     *
     * @param group
     *            the person's breakdown group, or null
     */
    public void addPerson(String person, String group, List<PathEvent> events) {
        List<PathEvent> timeline = new ArrayList<>(events);
        // events of the same millisecond in label order, so every store gives the same paths
        timeline.sort(Comparator.comparingLong(PathEvent::atMillis).thenComparing(PathEvent::label));
        List<PathEvent> cleaned = new ArrayList<>(timeline.size());
        for (PathEvent event : timeline) {
            String label = spec.clean(event.label());
            if (!spec.excluded().contains(label) && !spec.excluded().contains(event.label())) {
                cleaned.add(new PathEvent(event.atMillis(), label));
            }
        }
        List<PathEvent> path = start == null && end != null ? leadingTo(cleaned) : from(cleaned);
        if (path.isEmpty()) {
            return;
        }
        int[] ids = new int[path.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = labelIds.computeIfAbsent(path.get(i).label(), label -> {
                labels.add(label);
                return labels.size() - 1;
            });
        }
        int firstColumn = start == null && end != null ? spec.steps() - ids.length : 0;
        walks.add(new Walk(person, group, ids, firstColumn));
    }

    /** From the start (or the first event in range) to the end, at most {@code steps} events, within the window. */
    private List<PathEvent> from(List<PathEvent> timeline) {
        int first = -1;
        for (int i = 0; i < timeline.size() && first < 0; i++) {
            PathEvent event = timeline.get(i);
            if (inRange(event) && (start == null || event.label().equals(start))) {
                first = i;
            }
        }
        if (first < 0) {
            return List.of();
        }
        long startedAt = timeline.get(first).atMillis();
        List<PathEvent> path = new ArrayList<>();
        for (int i = first; i < timeline.size() && path.size() < spec.steps(); i++) {
            PathEvent event = timeline.get(i);
            if (event.atMillis() - startedAt > spec.windowMillis()) {
                break;
            }
            if (!path.isEmpty() && path.get(path.size() - 1).label().equals(event.label())) {
                continue; // a label repeated in a row counts once
            }
            path.add(event);
            if (end != null && event.label().equals(end)) {
                break;
            }
        }
        return path;
    }

    /** The events before the first end in range, ending with it: at most {@code steps}, within the window. */
    private List<PathEvent> leadingTo(List<PathEvent> timeline) {
        int last = -1;
        for (int i = 0; i < timeline.size() && last < 0; i++) {
            PathEvent event = timeline.get(i);
            if (inRange(event) && event.label().equals(end)) {
                last = i;
            }
        }
        if (last < 0) {
            return List.of();
        }
        long endedAt = timeline.get(last).atMillis();
        List<PathEvent> path = new ArrayList<>(List.of(timeline.get(last)));
        for (int i = last - 1; i >= 0 && path.size() < spec.steps(); i--) {
            PathEvent event = timeline.get(i);
            if (endedAt - event.atMillis() > spec.windowMillis()) {
                break;
            }
            if (!path.get(0).label().equals(event.label())) {
                path.add(0, event);
            }
        }
        return path;
    }

    private boolean inRange(PathEvent event) {
        return event.atMillis() >= spec.rangeStart().toEpochMilli() && event.atMillis() < spec.rangeEnd()
                .toEpochMilli();
    }

    /** The counts per breakdown group (null: everybody when no groups were given), largest group first. */
    public List<PathResult.Group> result() {
        Map<String, List<Walk>> byGroup = new LinkedHashMap<>();
        for (Walk walk : walks) {
            byGroup.computeIfAbsent(walk.group(), g -> new ArrayList<>()).add(walk);
        }
        List<PathResult.Group> groups = new ArrayList<>();
        byGroup.forEach((group, members) -> groups.add(count(group, members)));
        groups.sort(Comparator.comparingLong(PathResult.Group::people).reversed());
        return groups;
    }

    /** The counts over everybody, whatever their group (its group is null). */
    public PathResult.Group everybody() {
        return count(null, walks);
    }

    private PathResult.Group count(String group, List<Walk> members) {
        String[][] shown = shownLabels(members);
        Map<String, long[]> nodes = new TreeMap<>(); // "column\u0000label" -> people, leaving
        Map<String, Long> edges = new TreeMap<>(); // "column\u0000from\u0000to" -> people
        for (Walk walk : members) {
            for (int i = 0; i < walk.labels().length; i++) {
                int column = walk.firstColumn() + i;
                String label = shown[column][walk.labels()[i]];
                long[] node = nodes.computeIfAbsent(column + "\u0000" + label, k -> new long[2]);
                node[0]++;
                if (i == walk.labels().length - 1) {
                    node[1]++;
                } else {
                    edges.merge(column + "\u0000" + label + "\u0000" + shown[column + 1][walk.labels()[i + 1]], 1L,
                            Long::sum);
                }
            }
        }
        List<PathResult.Node> nodeList = new ArrayList<>();
        nodes.forEach((key, counts) -> {
            String[] parts = key.split("\u0000", -1);
            nodeList.add(new PathResult.Node(Integer.parseInt(parts[0]) + 1, parts[1], counts[0], counts[1]));
        });
        List<PathResult.Edge> edgeList = new ArrayList<>();
        edges.forEach((key, people) -> {
            String[] parts = key.split("\u0000", -1);
            edgeList.add(new PathResult.Edge(Integer.parseInt(parts[0]) + 1, parts[1], parts[2], people));
        });
        Comparator<PathResult.Node> byColumnThenPeople = Comparator.comparingInt(PathResult.Node::step)
                .thenComparing(Comparator.comparingLong(PathResult.Node::people).reversed())
                .thenComparing(PathResult.Node::label);
        nodeList.sort(byColumnThenPeople);
        edgeList.sort(Comparator.comparingInt(PathResult.Edge::step)
                .thenComparing(Comparator.comparingLong(PathResult.Edge::people).reversed())
                .thenComparing(PathResult.Edge::from).thenComparing(PathResult.Edge::to));
        return new PathResult.Group(group, members.size(), nodeList, edgeList);
    }

    /** Per column and label number, the label shown: itself, or {@link #OTHER} below the minimum share. */
    private String[][] shownLabels(List<Walk> members) {
        long[][] people = new long[spec.steps()][labels.size()];
        long[] inColumn = new long[spec.steps()];
        for (Walk walk : members) {
            for (int i = 0; i < walk.labels().length; i++) {
                people[walk.firstColumn() + i][walk.labels()[i]]++;
                inColumn[walk.firstColumn() + i]++;
            }
        }
        String[][] shown = new String[spec.steps()][labels.size()];
        for (int column = 0; column < shown.length; column++) {
            for (int label = 0; label < labels.size(); label++) {
                shown[column][label] = people[column][label] < spec.minShare() * inColumn[column]
                        ? OTHER
                        : labels.get(label);
            }
        }
        return shown;
    }

    /**
     * The people of a group (null: everybody) who moved along an edge as {@link #result()} or {@link #everybody()}
     * shows it (labels may be {@link #OTHER}), in the order they were added, at most {@code limit}.
     *
     * @param step
     *            the edge's first column, from 1
     */
    public List<String> peopleOn(String group, int step, String from, String to, int limit) {
        List<Walk> members = group == null ? walks : walks.stream().filter(w -> group.equals(w.group())).toList();
        String[][] shown = shownLabels(members);
        int column = step - 1;
        List<String> people = new ArrayList<>();
        for (Walk walk : members) {
            int i = column - walk.firstColumn();
            if (people.size() < limit && i >= 0 && i + 1 < walk.labels().length && column + 1 < spec.steps()
                    && shown[column][walk.labels()[i]].equals(from) && shown[column + 1][walk.labels()[i + 1]]
                            .equals(to)) {
                people.add(walk.person());
            }
        }
        return people;
    }
}
