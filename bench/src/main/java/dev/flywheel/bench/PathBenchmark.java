package dev.flywheel.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

import dev.flywheel.analytics.PathCalculator;
import dev.flywheel.analytics.PathEvent;
import dev.flywheel.analytics.PathSpec;

/**
 * The paths engine alone (issue 22), on timelines shaped like {@code AnalyticsLoad}'s sessions: 20,000 people with
 * every event over 8 weeks (about 500,000 events, what paths read from 500,000 stored events), 5 steps from
 * "App Opened", rare labels folded below 2 %. One operation is the whole computation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PathBenchmark {

    private static final String[] OTHER = {"Searched", "Scrolled", "Shared", "Settings Changed", "Viewed Help"};

    private final List<List<PathEvent>> people = new ArrayList<>();
    private PathSpec spec;

    @Setup
    public void timelines() {
        Instant start = Instant.parse("2026-09-07T00:00:00Z");
        SplittableRandom random = new SplittableRandom(7);
        for (int person = 0; person < 20_000; person++) {
            List<PathEvent> timeline = new ArrayList<>();
            int sessions = 1 + random.nextInt(9);
            for (int s = 0; s < sessions; s++) {
                long at = start.plus(Duration.ofDays(random.nextInt(56))).toEpochMilli() + random.nextInt(80_000_000);
                timeline.add(new PathEvent(at, "App Opened"));
                String[] funnel = {"Viewed Product", "Added to Cart", "Purchased"};
                for (int step = 0; step < funnel.length && random.nextDouble() < 0.5; step++) {
                    timeline.add(new PathEvent(at += 30_000, funnel[step]));
                }
                for (int other = random.nextInt(4); other > 0; other--) {
                    timeline.add(new PathEvent(at += 30_000, OTHER[random.nextInt(OTHER.length)]));
                }
            }
            people.add(timeline);
        }
        spec = new PathSpec(5, "App Opened", null, start, start.plus(Duration.ofDays(56)), null, 0.02, List.of(),
                Set.of());
    }

    @Benchmark
    public Object paths() {
        PathCalculator calculator = new PathCalculator(spec);
        for (int i = 0; i < people.size(); i++) {
            calculator.addPerson("p" + i, null, people.get(i));
        }
        return calculator.result();
    }
}
