package dev.flywheel.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.flywheel.analytics.FunnelCalculator;
import dev.flywheel.analytics.FunnelEvent;
import dev.flywheel.analytics.FunnelOrder;
import dev.flywheel.analytics.FunnelSpec;

/**
 * The funnel engine alone, on timelines shaped like {@code AnalyticsLoad}'s sessions: 20,000 people with their
 * step events over 8 weeks (about 380,000 events, what a 3-step funnel reads from 1M stored events). One
 * operation is the whole funnel, so events/s = events x ops/s. Separates the engine's share of a funnel query's
 * latency from the store's. {@code java -jar ... FunnelBenchmark} (see bench/RESULTS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FunnelBenchmark {

    @Param({"ORDERED", "STRICT", "UNORDERED"})
    public FunnelOrder order;

    private final List<List<FunnelEvent>> people = new ArrayList<>();
    private FunnelSpec spec;
    private long events;

    @Setup
    public void timelines() {
        Instant start = Instant.parse("2026-09-07T00:00:00Z");
        SplittableRandom random = new SplittableRandom(7);
        for (int person = 0; person < 20_000; person++) {
            List<FunnelEvent> timeline = new ArrayList<>();
            int sessions = 1 + random.nextInt(19);
            for (int s = 0; s < sessions; s++) {
                long at = start.plus(Duration.ofDays(random.nextInt(56))).toEpochMilli() + random.nextInt(80_000_000);
                timeline.add(new FunnelEvent(at, 1, 0, null));
                if (random.nextDouble() < 0.6) {
                    timeline.add(new FunnelEvent(at + 60_000, 2, 0, null));
                    if (random.nextDouble() < 0.175) {
                        timeline.add(new FunnelEvent(at + 240_000, 4, 0, null));
                    }
                }
            }
            timeline.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
            events += timeline.size();
            people.add(timeline);
        }
        spec = new FunnelSpec(3, order, Duration.ofDays(1), List.of(), start, start.plus(Duration.ofDays(56)),
                start.plus(Duration.ofDays(365)));
    }

    @Benchmark
    public Object funnel() {
        FunnelCalculator calculator = new FunnelCalculator(spec);
        for (List<FunnelEvent> timeline : people) {
            calculator.addPerson(timeline);
        }
        return calculator.result();
    }

    public long events() {
        return events;
    }
}
