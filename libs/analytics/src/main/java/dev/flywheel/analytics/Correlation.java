package dev.flywheel.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.flywheel.stats.FisherExact;
import dev.flywheel.stats.MultipleTesting;

/**
 * Which candidates (an event a person did, a property value they had) go with an outcome (converted in a funnel,
 * retained): per candidate, the 2×2 table of people with and without it who had the outcome or not; the odds ratio
 * with its interval, Fisher's exact test, and the p-value adjusted for the number of candidates tested (Holm). An
 * association, not a cause.
 */
public final class Correlation {

    /**
     * @param outcomeWith
     *            people with the candidate who had the outcome
     * @param oddsRatio
     *            odds of the outcome with the candidate over without it (0.5 added to every cell when one is zero)
     * @param significant
     *            the adjusted p-value is below alpha
     */
    public record Result(String candidate, long outcomeWith, long noOutcomeWith, long outcomeWithout,
            long noOutcomeWithout, double oddsRatio, double lower, double upper, double pValue, double adjustedPValue,
            boolean significant) {
    }

    private long outcomes;
    private long people;
    /** Per candidate: people with it, and those of them with the outcome. */
    private final Map<String, long[]> counts = new TreeMap<>();

    /** Adds one person: whether they had the outcome, and their candidates (each counted once). */
    public void addPerson(boolean outcome, Set<String> candidates) {
        people++;
        if (outcome) {
            outcomes++;
        }
        for (String candidate : candidates) {
            long[] count = counts.computeIfAbsent(candidate, c -> new long[2]);
            count[0]++;
            if (outcome) {
                count[1]++;
            }
        }
    }

    /**
     * Candidates held by at least {@code minPeople} people and not by everybody (nothing to compare; neither are shown
     * nor counted as tested), most significant first (adjusted p-value, then the odds ratio's distance from 1, then
     * name).
     */
    public List<Result> result(double alpha, long minPeople) {
        List<String> tested = new ArrayList<>();
        List<long[]> tables = new ArrayList<>();
        counts.forEach((candidate, count) -> {
            if (count[0] >= minPeople && count[0] < people) {
                tested.add(candidate);
                tables.add(new long[]{count[1], count[0] - count[1], outcomes - count[1], people - outcomes
                        - (count[0] - count[1])});
            }
        });
        double[] p = new double[tables.size()];
        for (int i = 0; i < p.length; i++) {
            long[] t = tables.get(i);
            p[i] = FisherExact.twoSidedP(t[0], t[1], t[2], t[3]);
        }
        double[] adjusted = MultipleTesting.holm(p);
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            long[] t = tables.get(i);
            double[] ratio = FisherExact.oddsRatio(t[0], t[1], t[2], t[3], alpha);
            results.add(new Result(tested.get(i), t[0], t[1], t[2], t[3], ratio[0], ratio[1], ratio[2], p[i],
                    adjusted[i], adjusted[i] < alpha));
        }
        results.sort(Comparator.comparingDouble(Result::adjustedPValue)
                .thenComparing(Comparator.comparingDouble((Result r) -> Math.abs(Math.log(r.oddsRatio())))
                        .reversed())
                .thenComparing(Result::candidate));
        return results;
    }
}
