package dev.flywheel.analytics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    /** Candidates by id, and per id: people with it, and those of them with the outcome. */
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private long[] with = new long[16];
    private long[] withOutcome = new long[16];

    /** The id of a candidate, for {@link #addPerson(boolean, int[], int)}. */
    public int candidate(String name) {
        Integer id = ids.get(name);
        if (id != null) {
            return id;
        }
        int next = names.size();
        ids.put(name, next);
        names.add(name);
        if (next == with.length) {
            with = Arrays.copyOf(with, next * 2);
            withOutcome = Arrays.copyOf(withOutcome, next * 2);
        }
        return next;
    }

    /** Adds one person: whether they had the outcome, and their candidates (each counted once). */
    public void addPerson(boolean outcome, Set<String> candidates) {
        int[] held = new int[candidates.size()];
        int i = 0;
        for (String name : candidates) {
            held[i++] = candidate(name);
        }
        addPerson(outcome, held, held.length);
    }

    /** Adds one person by the ids of their first {@code count} candidates, each id at most once. */
    public void addPerson(boolean outcome, int[] candidates, int count) {
        people++;
        if (outcome) {
            outcomes++;
        }
        for (int i = 0; i < count; i++) {
            with[candidates[i]]++;
            if (outcome) {
                withOutcome[candidates[i]]++;
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
        for (int id = 0; id < names.size(); id++) {
            if (with[id] >= minPeople && with[id] < people) {
                tested.add(names.get(id));
                tables.add(new long[]{withOutcome[id], with[id] - withOutcome[id], outcomes - withOutcome[id], people
                        - outcomes - (with[id] - withOutcome[id])});
            }
        }
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
