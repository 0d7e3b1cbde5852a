package dev.flywheel.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.flywheel.analytics.ActivationDiscovery;
import dev.flywheel.analytics.Correlation;

/**
 * The correlation and activation-discovery engines alone (issue 22): 200,000 people (the 10M-event benchmark's),
 * each holding about 10 of 40 candidates (events, property values), a third with the outcome, some candidates
 * going with it; activation over the same people with counts up to 12 and five thresholds. One operation is the
 * whole computation: every person added, then the tests, Holm's adjustment and the ranking.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ValueMapBenchmark {

    private static final int PEOPLE = 200_000;
    private static final int CANDIDATES = 40;

    private final String[] names = new String[CANDIDATES];
    private final boolean[] outcomes = new boolean[PEOPLE];
    private final int[][] held = new int[PEOPLE][];
    private final List<Map<String, Integer>> counts = new java.util.ArrayList<>();

    @Setup
    public void people() {
        SplittableRandom random = new SplittableRandom(11);
        for (int c = 0; c < CANDIDATES; c++) {
            names[c] = "Event " + c;
        }
        for (int person = 0; person < PEOPLE; person++) {
            boolean outcome = random.nextDouble() < 0.33;
            outcomes[person] = outcome;
            int[] ids = new int[CANDIDATES];
            int n = 0;
            Map<String, Integer> done = new HashMap<>();
            for (int c = 0; c < CANDIDATES; c++) {
                // the first five candidates go with the outcome, the rest do not
                double share = c < 5 && outcome ? 0.5 : 0.25;
                if (random.nextDouble() < share) {
                    ids[n++] = c;
                    done.put(names[c], 1 + random.nextInt(12));
                }
            }
            held[person] = java.util.Arrays.copyOf(ids, n);
            counts.add(done);
        }
    }

    @Benchmark
    public Object funnelCorrelation() {
        Correlation correlation = new Correlation();
        int[] ids = new int[CANDIDATES];
        for (int c = 0; c < CANDIDATES; c++) {
            ids[c] = correlation.candidate(names[c]);
        }
        int[] buffer = new int[CANDIDATES];
        for (int person = 0; person < PEOPLE; person++) {
            int[] personal = held[person];
            for (int i = 0; i < personal.length; i++) {
                buffer[i] = ids[personal[i]];
            }
            correlation.addPerson(outcomes[person], buffer, personal.length);
        }
        return correlation.result(0.05, 10);
    }

    @Benchmark
    public Object activationDiscovery() {
        ActivationDiscovery discovery = new ActivationDiscovery(new int[]{1, 2, 3, 5, 10});
        for (int person = 0; person < PEOPLE; person++) {
            discovery.addPerson(outcomes[person], counts.get(person));
        }
        return discovery.result(0.05, 100, 20);
    }
}
