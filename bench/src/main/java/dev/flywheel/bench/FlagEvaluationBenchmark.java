package dev.flywheel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.flywheel.flags.FlagDocument;
import dev.flywheel.flags.FlagSet;
import dev.flywheel.flags.FlagType;
import dev.flywheel.flags.Resolution;
import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Value;

/**
 * Flywheel's flag engine against the flagd Java provider's in-process evaluator (file mode), on the same flags and
 * contexts in the same run: a static flag, a targeting rule, and a fractional split.
 *
 * <pre>
 * ./mvnw -B -q package -pl bench -am -DskipTests -Dflywheel.e2e.skip=true
 * java -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main FlagEvaluationBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class FlagEvaluationBenchmark {

    static final String FLAGS = """
            {
              "flags": {
                "static": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
                "targeting": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                  "targeting": {"if": [{"and": [
                    {"ends_with": [{"var": "email"}, "@example.com"]},
                    {"in": [{"var": "plan"}, ["pro", "enterprise"]]},
                    {">=": [{"var": "age"}, 18]}]}, "on", "off"]}},
                "fractional": {"state": "ENABLED", "variants": {"a": true, "b": false}, "defaultVariant": "a",
                  "targeting": {"fractional": [["a", 25], ["b", 75]]}}
              }
            }""";

    static final int USERS = 1024;

    @Param({"static", "targeting", "fractional"})
    public String flag;

    private FlagSet flywheel;
    private FlagdProvider flagd;
    private Path file;
    private Map<String, Object>[] flywheelContexts;
    private EvaluationContext[] flagdContexts;
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        flywheel = FlagSet.compile(FlagDocument.parse(FLAGS));
        file = Files.createTempFile("flags", ".json");
        Files.writeString(file, FLAGS);
        flagd = new FlagdProvider(FlagdOptions.builder().resolverType(Config.Resolver.FILE)
                .offlineFlagSourcePath(file.toString()).build());
        flagd.initialize(new ImmutableContext());
        flywheelContexts = new Map[USERS];
        flagdContexts = new EvaluationContext[USERS];
        for (int i = 0; i < USERS; i++) {
            String email = "user" + i + (i % 2 == 0 ? "@example.com" : "@other.org");
            String plan = i % 3 == 0 ? "pro" : "free";
            int age = 10 + i % 40;
            Map<String, Object> context = new HashMap<>();
            context.put("targetingKey", "user-" + i);
            context.put("email", email);
            context.put("plan", plan);
            context.put("age", (double) age);
            flywheelContexts[i] = context;
            flagdContexts[i] = new ImmutableContext("user-" + i, Map.of("email", new Value(email), "plan",
                    new Value(plan), "age", new Value(age)));
        }
        // both must agree before their speed means anything; flagd-java 0.11.15 still buckets fractional splits
        // the pre-0.15 way (float percentages), so there only the split's proportions are compared
        int ourShare = 0;
        int theirShare = 0;
        for (int i = 0; i < USERS; i++) {
            if (flag.equals("fractional")) {
                ourShare += Boolean.TRUE.equals(flywheel.resolve(flag, FlagType.BOOLEAN, flywheelContexts[i], 0)
                        .value()) ? 1 : 0;
                theirShare += flagd.getBooleanEvaluation(flag, false, flagdContexts[i]).getValue() ? 1 : 0;
                continue;
            }
            Resolution ours = flywheel.resolve(flag, FlagType.BOOLEAN, flywheelContexts[i], 0);
            ProviderEvaluation<Boolean> theirs = flagd.getBooleanEvaluation(flag, false, flagdContexts[i]);
            if (!ours.value().equals(theirs.getValue())) {
                throw new IllegalStateException(flag + " differs for user " + i + ": " + ours + " vs " + theirs);
            }
        }
        if (flag.equals("fractional")
                && (Math.abs(ourShare - USERS / 4) > USERS / 16 || Math.abs(theirShare - USERS / 4) > USERS / 16)) {
            throw new IllegalStateException("a 25/75 split gave " + ourShare + " and " + theirShare + " of " + USERS);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        flagd.shutdown();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public Object flywheelEngine() {
        int i = next++ & (USERS - 1);
        return flywheel.resolve(flag, FlagType.BOOLEAN, flywheelContexts[i], 1_800_000_000L).value();
    }

    @Benchmark
    public Object flagdInProcess() {
        int i = next++ & (USERS - 1);
        return flagd.getBooleanEvaluation(flag, false, flagdContexts[i]).getValue();
    }
}
