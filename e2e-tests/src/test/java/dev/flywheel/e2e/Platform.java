package dev.flywheel.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The platform under test. With FLYWHEEL_GATEWAY_URL and FLYWHEEL_BOOTSTRAP_ADMIN_KEY set, it is a running
 * deployment; otherwise it is started exactly as a user would, with {@code ./flywheel up}, once per test run, and
 * stopped afterwards only if this run started it.
 */
public final class Platform implements BeforeAllCallback, ExtensionContext.Store.CloseableResource {

    private static Platform current;

    private final Map<String, String> settings = new HashMap<>();
    private Path root;
    private boolean startedHere;

    /** The running platform's settings: gateway URL, service URLs, bootstrap and demo keys. */
    public static Map<String, String> settings() {
        return current.settings;
    }

    public static String gatewayUrl() {
        return current.settings.get("FLYWHEEL_GATEWAY_URL");
    }

    public static String bootstrapKey() {
        return current.settings.get("FLYWHEEL_BOOTSTRAP_ADMIN_KEY");
    }

    public static URI gatewayUri() {
        return URI.create(gatewayUrl());
    }

    public static String kafkaBootstrap() {
        return current.settings.get("FLYWHEEL_KAFKA_BOOTSTRAP");
    }

    /** The gRPC address (host:port) of a service, e.g. "EVENT_COLLECTOR". */
    public static URI serviceUri(String service) {
        String url = current.settings.get("FLYWHEEL_" + service + "_URL");
        if (url == null) {
            throw new IllegalStateException("FLYWHEEL_" + service + "_URL is not set (see .flywheel/demo.env)");
        }
        return URI.create(url);
    }

    /** Whether the platform is this checkout's, run by ./flywheel, so tests may stop and start its parts. */
    public static boolean launchedLocally() {
        return current.root != null;
    }

    /** The repository root (for scripts the tests run). */
    public static Path root() {
        return current.root != null
                ? current.root
                : Path.of(System.getProperty("flywheel.root", "..")).toAbsolutePath().normalize();
    }

    /** Runs ./flywheel with the given arguments against the local platform; returns its exit code. */
    public static int flywheel(Duration timeout, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "./flywheel";
        System.arraycopy(args, 0, command, 1, args.length);
        return current.run(timeout, command);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (Platform.class) {
            if (current != null) {
                return;
            }
            start();
            current = this;
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(Platform.class.getName(), this);
        }
    }

    private void start() throws IOException, InterruptedException {
        String externalGateway = System.getenv("FLYWHEEL_GATEWAY_URL");
        String externalKey = System.getenv("FLYWHEEL_BOOTSTRAP_ADMIN_KEY");
        if (externalGateway != null && externalKey != null) {
            settings.putAll(System.getenv());
            return;
        }
        root = Path.of(System.getProperty("flywheel.root", "..")).toAbsolutePath().normalize();
        boolean alreadyUp = run(Duration.ofSeconds(30), "./flywheel", "status") == 0;
        if (!alreadyUp) {
            int exit = run(Duration.ofMinutes(6), "./flywheel", "up");
            if (exit != 0) {
                throw new IllegalStateException("./flywheel up failed with exit code " + exit);
            }
            startedHere = true;
        }
        Path state = root.resolve(".flywheel");
        settings.putAll(readEnvFile(state.resolve("demo.env")));
        settings.putAll(readEnvFile(state.resolve("secrets.env")));
    }

    @Override
    public void close() throws Exception {
        if (startedHere && !"true".equals(System.getenv("FLYWHEEL_E2E_KEEP_RUNNING"))) {
            run(Duration.ofMinutes(2), "./flywheel", "down");
        }
    }

    private int run(Duration timeout, String... command) throws IOException, InterruptedException {
        return run(root, Map.of(), "", timeout, command);
    }

    /**
     * Runs a command in {@code directory} with {@code environment} added, its output (prefixed) copied to the test's
     * output; kills it after {@code timeout}. Returns its exit code.
     */
    static int run(Path directory, Map<String, String> environment, String prefix, Duration timeout,
            String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(directory.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        // Copied through System.out: output written straight to the test JVM's own stdout would corrupt the
        // channel surefire talks to its forked JVM on (it then fails the run at exit).
        Thread copier = new Thread(() -> {
            try (BufferedReader lines = process.inputReader()) {
                lines.lines().forEach(line -> System.out.println(prefix + line));
            } catch (IOException | UncheckedIOException e) {
                // the process is gone; nothing more to show
            }
        }, "flywheel-launcher-output");
        copier.setDaemon(true);
        copier.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
        }
        copier.join(2_000);
        return process.exitValue();
    }

    /** NAME=value lines of an env file such as .flywheel/demo.env. */
    static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }
}
