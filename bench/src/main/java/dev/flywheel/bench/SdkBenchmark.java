package dev.flywheel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.flywheel.sdk.FlywheelClient;
import dev.flywheel.sdk.openfeature.FlywheelProvider;
import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;

/**
 * The Java SDK in-process, through the OpenFeature client API, against the flagd Java provider in in-process mode on
 * the same 20 flags and contexts (one evaluation per operation, cycling through flags and users); and the SDK's
 * AssignAll over the assignment workload's 20 experiments (one user per operation). Throughput and the sampled latency
 * distribution (p99) in one run:
 *
 * <pre>
 * ./mvnw -B -q package -pl bench -am -DskipTests -Dflywheel.e2e.skip=true
 * java -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main SdkBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class SdkBenchmark {

    static final int FLAGS = 20;
    static final int USERS = 1024;

    private Path file;
    private Path flagdFile;
    private FlywheelClient sdk;
    private FlagdProvider flagdProvider;
    private Client flywheel;
    private Client flagd;
    private Client noOp;
    private EvaluationContext[] contexts;
    private Map<String, Object>[] users;
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        String document = SdkWorkload.flags(FLAGS);
        file = SdkWorkload.snapshotFile(document, SdkWorkload.workloadExperiments());
        sdk = SdkWorkload.offlineClient(file);
        flagdFile = Files.createTempFile("flagd-bench", ".json");
        Files.writeString(flagdFile, document);
        flagdProvider = new FlagdProvider(FlagdOptions.builder().resolverType(Config.Resolver.FILE)
                .offlineFlagSourcePath(flagdFile.toString()).build());
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        api.setProviderAndWait("flywheel", new FlywheelProvider(sdk));
        api.setProviderAndWait("flagd", flagdProvider);
        api.setProviderAndWait("no-op", new dev.openfeature.sdk.NoOpProvider());
        noOp = api.getClient("no-op");
        flywheel = api.getClient("flywheel");
        flagd = api.getClient("flagd");
        contexts = new EvaluationContext[USERS];
        for (int i = 0; i < USERS; i++) {
            String email = "user" + i + (i % 7 == 0 ? "@flywheel.dev" : i % 2 == 0 ? "@example.com" : "@other.org");
            contexts[i] = new ImmutableContext("user-" + i, Map.of("email", new Value(email), "plan",
                    new Value(i % 3 == 0 ? "pro" : "free"), "age", new Value(10 + i % 40)));
        }
        List<Map<String, Object>> people = (List<Map<String, Object>>) SdkWorkload.assignmentWorkload().get("users");
        users = people.stream().map(HashMap::new).toArray(Map[]::new);
        // the two must agree before their speed means anything (fractional flags compare their shares only: the
        // flagd provider buckets with flagd's pre-0.15 formula)
        for (int i = 0; i < FLAGS * 50; i++) {
            if (i % FLAGS % 10 != 5 && !String.valueOf(evaluate(flywheel, i)).equals(String.valueOf(evaluate(flagd,
                    i)))) {
                throw new IllegalStateException("flag-" + i % FLAGS + " differs: " + evaluate(flywheel, i) + " vs "
                        + evaluate(flagd, i));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        OpenFeatureAPI.getInstance().shutdown();
        sdk.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(flagdFile);
    }

    private Object evaluate(Client client, int i) {
        int flag = i % FLAGS;
        EvaluationContext context = contexts[(i / FLAGS) & (USERS - 1)];
        String key = "flag-" + flag;
        return switch (SdkWorkload.type(flag)) {
            case "string" -> client.getStringValue(key, "fallback", context);
            case "integer" -> client.getIntegerValue(key, 0, context);
            case "object" -> client.getObjectValue(key, new Value(), context);
            default -> client.getBooleanValue(key, false, context);
        };
    }

    @Benchmark
    public Object openFeatureFlywheelSdk() {
        return evaluate(flywheel, next++);
    }

    /** The OpenFeature client's own share: a provider that answers at once. */
    @Benchmark
    public Object openFeatureNoOpProvider() {
        return evaluate(noOp, next++);
    }

    @Benchmark
    public Object openFeatureFlagdInProcess() {
        return evaluate(flagd, next++);
    }

    /** One user in all 20 experiments, as AssignAll answers. */
    @Benchmark
    public Object sdkAssignAll() {
        return sdk.assignAll(users[next++ & (USERS - 1)]);
    }
}
