package dev.flywheel.analytics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes a funnel one person at a time (the unit is whatever the caller groups by: a person after identity
 * merge, or a group). Each person counts once, through their best path: the one reaching the furthest step,
 * earliest start first. Breakdown values are first-touch: the value on the step-0 event of that path.
 */
public final class FunnelCalculator {

    private static final Comparator<FunnelEvent> TIMELINE = Comparator.comparingLong(FunnelEvent::atMillis)
            .thenComparingInt(FunnelEvent::firstStep);

    private final FunnelSpec spec;
    private final Map<String, GroupTally> groups = new LinkedHashMap<>();

    public FunnelCalculator(FunnelSpec spec) {
        this.spec = spec;
    }

    /** One path through the funnel: when it reached each step. */
    private static final class Path {
        final long[] times;
        final String breakdown;
        int level;
        boolean excluded;

        Path(int steps, long start, String breakdown) {
            this.times = new long[steps];
            this.times[0] = start;
            this.breakdown = breakdown;
        }

        long start() {
            return times[0];
        }
    }

    /**
     * Where a person counts: the furthest step (from 0) of their counted path, and whether its window is still open
     * (they may go further).
     */
    public record Reached(int step, boolean windowOpen) {
    }

    /**
     * Adds one person's events, in any order; returns where they count, or null when they did not enter the funnel
     * (correlation splits people by it).
     */
    public Reached addPerson(List<FunnelEvent> events) {
        List<FunnelEvent> timeline = new ArrayList<>(events);
        timeline.sort(TIMELINE);
        List<Path> paths = switch (spec.order()) {
            case ORDERED -> ordered(timeline);
            case STRICT -> strict(timeline);
            case UNORDERED -> unordered(timeline);
        };
        Path best = null;
        long latestStartAtBest = Long.MIN_VALUE;
        for (Path path : paths) {
            if (path.excluded) {
                continue;
            }
            if (best == null || path.level > best.level) {
                best = path;
                latestStartAtBest = path.start();
            } else if (path.level == best.level) {
                latestStartAtBest = Math.max(latestStartAtBest, path.start());
            }
        }
        if (best != null) {
            boolean windowOpen = latestStartAtBest + spec.windowMillis() > spec.now().toEpochMilli();
            groups.computeIfAbsent(best.breakdown, b -> new GroupTally(spec.steps()))
                    .add(best.level, best.times, windowOpen);
            return new Reached(best.level, windowOpen);
        }
        return null;
    }

    private boolean startsInRange(FunnelEvent event) {
        return event.atMillis() >= spec.rangeStart().toEpochMilli() && event.atMillis() < spec.rangeEnd()
                .toEpochMilli();
    }

    private boolean inWindow(Path path, FunnelEvent event) {
        return event.atMillis() - path.start() <= spec.windowMillis();
    }

    /** Removes a path when an excluded event falls between the steps it is waiting between. */
    private void exclude(Path path, FunnelEvent event, int waitingFor) {
        if (path.excluded || event.exclusions() == 0 || path.level == spec.steps() - 1 || !inWindow(path, event)) {
            return;
        }
        List<FunnelSpec.Exclusion> exclusions = spec.exclusions();
        for (int i = 0; i < exclusions.size(); i++) {
            FunnelSpec.Exclusion exclusion = exclusions.get(i);
            if ((event.exclusions() & (1 << i)) != 0 && waitingFor > exclusion.fromStep()
                    && waitingFor <= exclusion.toStep()) {
                path.excluded = true;
                return;
            }
        }
    }

    private List<Path> ordered(List<FunnelEvent> timeline) {
        int steps = spec.steps();
        List<Path> paths = new ArrayList<>();
        // The latest-starting path waiting at each level: it has the most window left for the next step.
        Path[] waiting = new Path[steps];
        for (FunnelEvent event : timeline) {
            if (event.exclusions() != 0) {
                for (Path path : paths) {
                    exclude(path, event, path.level + 1);
                }
                for (int level = 0; level < steps - 1; level++) {
                    if (waiting[level] != null && waiting[level].excluded) {
                        waiting[level] = null;
                    }
                }
            }
            // Highest step first, so one event moves a path by one step only.
            for (int step = steps - 1; step >= 1; step--) {
                Path path = waiting[step - 1];
                if (path != null && event.matches(step) && inWindow(path, event)) {
                    path.level = step;
                    path.times[step] = event.atMillis();
                    waiting[step - 1] = null;
                    if (step < steps - 1) {
                        waiting[step] = path;
                    }
                }
            }
            if (event.matches(0) && startsInRange(event)) {
                Path path = new Path(steps, event.atMillis(), event.breakdown());
                paths.add(path);
                waiting[0] = path;
            }
        }
        return paths;
    }

    private List<Path> strict(List<FunnelEvent> timeline) {
        int steps = spec.steps();
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < timeline.size(); i++) {
            FunnelEvent first = timeline.get(i);
            if (!first.matches(0) || !startsInRange(first)) {
                continue;
            }
            Path path = new Path(steps, first.atMillis(), first.breakdown());
            paths.add(path);
            for (int j = i + 1; j < timeline.size() && path.level < steps - 1; j++) {
                FunnelEvent next = timeline.get(j);
                exclude(path, next, path.level + 1);
                if (path.excluded || !inWindow(path, next) || !next.matches(path.level + 1)) {
                    break;
                }
                path.level++;
                path.times[path.level] = next.atMillis();
            }
        }
        return paths;
    }

    private List<Path> unordered(List<FunnelEvent> timeline) {
        int steps = spec.steps();
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < timeline.size(); i++) {
            FunnelEvent first = timeline.get(i);
            if (first.steps() == 0 || !startsInRange(first)) {
                continue;
            }
            Path path = new Path(steps, first.atMillis(), first.breakdown());
            paths.add(path);
            int done = 1 << Integer.numberOfTrailingZeros(first.steps());
            for (int j = i + 1; j < timeline.size() && path.level < steps - 1; j++) {
                FunnelEvent next = timeline.get(j);
                if (!inWindow(path, next)) {
                    break;
                }
                exclude(path, next, path.level + 1);
                if (path.excluded) {
                    break;
                }
                int fresh = next.steps() & ~done;
                if (fresh != 0) {
                    done |= Integer.lowestOneBit(fresh);
                    path.level++;
                    path.times[path.level] = next.atMillis();
                }
            }
        }
        return paths;
    }

    /** The funnel so far: one group per breakdown value (a single group with a null value without breakdown). */
    public List<FunnelResult.Group> result() {
        List<FunnelResult.Group> result = new ArrayList<>();
        groups.forEach((breakdown, tally) -> result.add(tally.toGroup(breakdown)));
        result.sort(Comparator.comparingLong((FunnelResult.Group g) -> -g.steps().get(0).count())
                .thenComparing(g -> g.breakdown() == null ? "" : g.breakdown()));
        return result;
    }

    /** Per-step counts and conversion times of one breakdown group. */
    private static final class GroupTally {
        final long[] reached;
        final long[] inProgress;
        final long[][] durations;
        final int[] durationCounts;

        GroupTally(int steps) {
            reached = new long[steps];
            inProgress = new long[steps];
            durations = new long[steps][16];
            durationCounts = new int[steps];
        }

        void add(int level, long[] times, boolean windowOpen) {
            for (int step = 0; step <= level; step++) {
                reached[step]++;
                if (step > 0) {
                    if (durationCounts[step] == durations[step].length) {
                        durations[step] = Arrays.copyOf(durations[step], durations[step].length * 2);
                    }
                    durations[step][durationCounts[step]++] = times[step] - times[step - 1];
                }
            }
            if (level + 1 < reached.length && windowOpen) {
                inProgress[level + 1]++;
            }
        }

        FunnelResult.Group toGroup(String breakdown) {
            List<FunnelResult.Step> steps = new ArrayList<>();
            for (int step = 0; step < reached.length; step++) {
                long previous = step == 0 ? reached[0] : reached[step - 1];
                long notConverted = previous - reached[step];
                Double median = Percentiles.quantile(durations[step], durationCounts[step], 0.5);
                Double mean = Percentiles.mean(durations[step], durationCounts[step]);
                steps.add(new FunnelResult.Step(step, reached[step],
                        ratio(reached[step], previous), ratio(reached[step], reached[0]),
                        inProgress[step], notConverted - inProgress[step],
                        median == null ? null : median / 1000.0, mean == null ? null : mean / 1000.0));
            }
            return new FunnelResult.Group(breakdown, steps);
        }

        private static double ratio(long part, long whole) {
            return whole == 0 ? 0.0 : (double) part / whole;
        }
    }
}
