package dev.flywheel.e2e;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second platform for failure drills, so they disturb no other test: its own PostgreSQL cluster and Redis (private
 * instances on their own ports, never the machine's) and its own Kafka and services, started by {@code ./flywheel up}
 * with a state directory and ports of its own. Each part can be stopped and started again.
 */
final class FaultPlatform implements AutoCloseable {

    static final int POSTGRES_PORT = 25432;
    static final int REDIS_PORT = 26379;
    private static final int OFFSET = 20000; // gateway 28080, services 28081-28085, flagd 28013, assignment 29083

    private final Path root;
    private final Path work;
    private final Path pgData;
    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, String> settings = new HashMap<>();
    private Process redis;

    private FaultPlatform(Path root, Path work) {
        this.root = root;
        this.work = work;
        this.pgData = work.resolve("pg");
    }

    static FaultPlatform start() throws Exception {
        Path root = Platform.root();
        Path work = Files.createTempDirectory("flywheel-faults");
        FaultPlatform platform = new FaultPlatform(root, work);
        platform.environment.putAll(Map.of(
                "FLYWHEEL_STATE_DIR", work.resolve("state").toString(),
                "FLYWHEEL_DB_PORT", Integer.toString(POSTGRES_PORT),
                "FLYWHEEL_REDIS_PORT", Integer.toString(REDIS_PORT),
                "FLYWHEEL_KAFKA_PORT", Integer.toString(9092 + OFFSET),
                "FLYWHEEL_KAFKA_CONTROLLER_PORT", Integer.toString(9093 + OFFSET),
                "FLYWHEEL_GATEWAY_PORT", Integer.toString(8080 + OFFSET),
                "FLYWHEEL_EVENT_COLLECTOR_PORT", Integer.toString(8081 + OFFSET),
                "FLYWHEEL_FEATURE_FLAGS_PORT", Integer.toString(8082 + OFFSET),
                "FLYWHEEL_EXPERIMENT_ASSIGNMENT_PORT", Integer.toString(8083 + OFFSET),
                "FLYWHEEL_METRICS_AGGREGATOR_PORT", Integer.toString(8084 + OFFSET)));
        platform.environment.putAll(Map.of(
                "FLYWHEEL_FEEDBACK_PORT", Integer.toString(8085 + OFFSET),
                "FLYWHEEL_FLAGD_PORT", Integer.toString(8013 + OFFSET),
                "FLYWHEEL_ASSIGNMENT_GRPC_PORT", Integer.toString(9083 + OFFSET),
                "FLYWHEEL_GATEWAY_INTERNAL_PORT", Integer.toString(8090 + OFFSET),
                "FLYWHEEL_SERVICE_HEAP", "192m",
                // the drills are about PostgreSQL, Redis and Kafka; ClickHouse's outage is the aggregator's own test
                "FLYWHEEL_EVENT_STORE", "postgres"));
        platform.initPostgres();
        platform.startPostgres();
        platform.startRedis();
        platform.up();
        return platform;
    }

    // ------------------------------------------------------------------ the platform

    /** {@code ./flywheel up}: starts whatever is missing and waits until every part is ready. */
    Duration up() throws Exception {
        Instant started = Instant.now();
        run(Duration.ofMinutes(5), "./flywheel", "up");
        settings.putAll(Platform.readEnvFile(work.resolve("state/demo.env")));
        settings.putAll(Platform.readEnvFile(work.resolve("state/secrets.env")));
        return Duration.between(started, Instant.now());
    }

    void kill(String component) throws Exception {
        run(Duration.ofMinutes(1), "./flywheel", "kill", component);
    }

    void stop(String component) throws Exception {
        run(Duration.ofMinutes(1), "./flywheel", "stop", component);
    }

    String gatewayUrl() {
        return settings.get("FLYWHEEL_GATEWAY_URL");
    }

    String bootstrapKey() {
        return settings.get("FLYWHEEL_BOOTSTRAP_ADMIN_KEY");
    }

    String managementUrl(String component) {
        return settings.get("FLYWHEEL_" + component.toUpperCase().replace('-', '_') + "_MANAGEMENT_URL");
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + POSTGRES_PORT + "/flywheel";
    }

    // ------------------------------------------------------------------ PostgreSQL, private

    private void initPostgres() throws Exception {
        if (root()) {
            run(Duration.ofMinutes(1), "chown", "postgres", work.toString());
        }
        postgresTool(Duration.ofMinutes(2), "initdb", "-D", pgData.toString(), "-A", "trust", "-U", "postgres",
                "--no-sync");
    }

    void startPostgres() throws Exception {
        postgresTool(Duration.ofMinutes(1), "pg_ctl", "-D", pgData.toString(), "-w", "-l",
                work.resolve("postgres.log").toString(), "-o",
                "-p " + POSTGRES_PORT + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + work
                        + " -c fsync=off",
                "start");
    }

    /** Stops the private PostgreSQL at once, as a crash or an outage would (clients see their connections drop). */
    void stopPostgres() throws Exception {
        postgresTool(Duration.ofMinutes(1), "pg_ctl", "-D", pgData.toString(), "-m", "immediate", "-w", "stop");
    }

    private void postgresTool(Duration timeout, String tool, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        if (root()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(postgresBin().resolve(tool).toString());
        command.addAll(List.of(arguments));
        run(timeout, command.toArray(String[]::new));
    }

    private static Path postgresBin() throws IOException {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.sorted().reduce((a, b) -> b).orElseThrow().resolve("bin");
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    // ------------------------------------------------------------------ Redis, private

    void startRedis() throws Exception {
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(REDIS_PORT), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", work.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("redis.log").toFile()).start();
        await(() -> open(REDIS_PORT), Duration.ofSeconds(10), "private Redis did not start");
    }

    void stopRedis() throws Exception {
        if (redis != null) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            redis = null;
        }
    }

    // ------------------------------------------------------------------ plumbing

    @Override
    public void close() throws Exception {
        try {
            run(Duration.ofMinutes(2), "./flywheel", "down");
        } finally {
            stopRedis();
            try {
                stopPostgres();
            } catch (Exception alreadyStopped) {
                // nothing to stop
            }
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private void run(Duration timeout, String... command) throws Exception {
        int exit = Platform.run(root, environment, "[faults] ", timeout, command);
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with " + exit);
        }
    }

    static boolean open(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits until the condition holds; returns how long that took. */
    static Duration await(Condition condition, Duration timeout, String failure) throws Exception {
        Instant start = Instant.now();
        while (!condition.holds()) {
            if (Duration.between(start, Instant.now()).compareTo(timeout) > 0) {
                throw new AssertionError(failure + " (waited " + timeout + ")");
            }
            Thread.sleep(100);
        }
        return Duration.between(start, Instant.now());
    }
}
