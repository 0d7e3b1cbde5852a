package dev.flywheel.bench;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.experiments.Assigner;
import dev.flywheel.experiments.Experiment;
import dev.flywheel.experiments.ExperimentDefinition;
import dev.flywheel.experiments.ExperimentStatus;
import dev.flywheel.experiments.Holdout;
import dev.flywheel.experiments.StickyBuckets;
import dev.flywheel.experiments.UserContext;

/**
 * The assignment engine on the workload {@code growthbook-bench.mjs} runs with npm {@code @growthbook/growthbook}:
 * 20 experiments, 1,024 users. {@code assignAll} is one user in all 20 experiments (as AssignAll does), so
 * assignments/s = 20 x its score. Run both with {@code bench/assignment-engine.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class AssignmentBenchmark {

    private List<Experiment> experiments;
    private UserContext[] users;
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        Map<String, Object> workload;
        try (InputStream in = AssignmentBenchmark.class.getResourceAsStream("/assignment-workload.json")) {
            workload = new ObjectMapper().readValue(in, Map.class);
        }
        experiments = new ArrayList<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) workload.get("experiments")) {
            experiments.add(Experiment.of(ExperimentDefinition.parse((String) e.get("key"), e.get("flywheel")),
                    ExperimentStatus.RUNNING, null));
        }
        List<Map<String, Object>> people = (List<Map<String, Object>>) workload.get("users");
        users = people.stream().map(p -> new UserContext(p, null, null)).toArray(UserContext[]::new);
    }

    @Benchmark
    public void assignAll(Blackhole hole) {
        UserContext user = users[next++ & (users.length - 1)];
        for (Experiment experiment : experiments) {
            hole.consume(Assigner.assign(experiment, user, StickyBuckets.NONE, Holdout.NONE));
        }
    }

    @Benchmark
    public Object assignOne() {
        return Assigner.assign(experiments.get(1), users[next++ & (users.length - 1)], StickyBuckets.NONE,
                Holdout.NONE);
    }
}
