package dev.flywheel.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.flywheel.stats.FisherExact;
import dev.flywheel.stats.MultipleTesting;
import dev.flywheel.stats.OneSample;

/**
 * Which early action goes with staying: among new people, those who did an action at least N times in their first
 * days against everybody else, the retention of each group, the difference (lift) with Newcombe's hybrid score
 * interval, coverage (the share who did it), Fisher's exact test and its Holm adjustment over every (action,
 * threshold) tested. Ranked by the interval's lower bound, so a large lift seen in few people does not outrank a
 * sure one. An association: people who do X may stay for other reasons.
 */
public final class ActivationDiscovery {

    /**
     * @param did
     *            people who did the action at least {@code atLeast} times
     * @param lift
     *            retention of those who did minus that of the others
     * @param lower
     *            the lift's interval at 1 - alpha (Newcombe's method 10: from the two Wilson intervals)
     */
    public record Finding(String action, int atLeast, long did, long didRetained, long others, long othersRetained,
            double coverage, double retention, double othersRetention, double lift, double lower, double upper,
            double pValue, double adjustedPValue, boolean significant) {
    }

    private final int[] thresholds;
    private long people;
    private long retained;
    /** Per action and threshold: people who reached it, and those of them retained. */
    private final Map<String, long[][]> counts = new HashMap<>();

    /**
     * @param thresholds
     *            ascending, each at least 1
     */
    public ActivationDiscovery(int[] thresholds) {
        if (thresholds.length == 0) {
            throw new IllegalArgumentException("give at least one threshold");
        }
        for (int i = 0; i < thresholds.length; i++) {
            if (thresholds[i] < 1 || i > 0 && thresholds[i] <= thresholds[i - 1]) {
                throw new IllegalArgumentException("thresholds are ascending counts of at least 1");
            }
        }
        this.thresholds = thresholds.clone();
    }

    /** Adds one new person: whether they were retained, and how often they did each action in their first days. */
    public void addPerson(boolean wasRetained, Map<String, Integer> actionCounts) {
        people++;
        if (wasRetained) {
            retained++;
        }
        actionCounts.forEach((action, count) -> {
            long[][] byThreshold = counts.computeIfAbsent(action, a -> new long[thresholds.length][2]);
            for (int i = 0; i < thresholds.length && count >= thresholds[i]; i++) {
                byThreshold[i][0]++;
                if (wasRetained) {
                    byThreshold[i][1]++;
                }
            }
        });
    }

    public long people() {
        return people;
    }

    public long retained() {
        return retained;
    }

    /**
     * Every (action, threshold) where both groups hold at least {@code minPeople} people (a threshold reaching
     * the same people as the one below it is the same finding, shown once), best first; at most {@code limit}.
     */
    public List<Finding> result(double alpha, long minPeople, int limit) {
        List<long[]> tested = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        counts.forEach((action, byThreshold) -> {
            long previous = -1;
            for (int i = 0; i < thresholds.length; i++) {
                long did = byThreshold[i][0];
                if (did != previous && did >= minPeople && people - did >= minPeople) {
                    actions.add(action);
                    tested.add(new long[]{thresholds[i], did, byThreshold[i][1]});
                }
                previous = did;
            }
        });
        double[] p = new double[tested.size()];
        for (int i = 0; i < p.length; i++) {
            long did = tested.get(i)[1];
            long didRetained = tested.get(i)[2];
            p[i] = FisherExact.twoSidedP(didRetained, did - didRetained, retained - didRetained, people - did
                    - (retained - didRetained));
        }
        double[] adjusted = MultipleTesting.holm(p);
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            long[] t = tested.get(i);
            long did = t[1];
            long didRetained = t[2];
            long others = people - did;
            long othersRetained = retained - didRetained;
            double[] lift = newcombe(didRetained, did, othersRetained, others, alpha);
            findings.add(new Finding(actions.get(i), (int) t[0], did, didRetained, others, othersRetained,
                    (double) did / people, (double) didRetained / did, (double) othersRetained / others, lift[0],
                    lift[1], lift[2], p[i], adjusted[i], adjusted[i] < alpha));
        }
        findings.sort(Comparator.comparingDouble(Finding::lower).reversed()
                .thenComparing(Comparator.comparingDouble(Finding::lift).reversed())
                .thenComparing(Finding::action).thenComparingInt(Finding::atLeast));
        return findings.subList(0, Math.min(limit, findings.size()));
    }

    /**
     * The difference of two proportions with Newcombe's hybrid score interval (1998, method 10), which keeps its
     * coverage near the nominal level for small groups and shares near 0 or 1: {difference, lower, upper}.
     */
    static double[] newcombe(long x1, long n1, long x2, long n2, double alpha) {
        double p1 = (double) x1 / n1;
        double p2 = (double) x2 / n2;
        double[] w1 = OneSample.wilsonInterval(x1, n1, alpha);
        double[] w2 = OneSample.wilsonInterval(x2, n2, alpha);
        double difference = p1 - p2;
        double lower = difference - Math.sqrt(square(p1 - w1[0]) + square(w2[1] - p2));
        double upper = difference + Math.sqrt(square(w1[1] - p1) + square(p2 - w2[0]));
        return new double[]{difference, lower, upper};
    }

    private static double square(double x) {
        return x * x;
    }
}
