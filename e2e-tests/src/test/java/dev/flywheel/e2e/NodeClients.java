package dev.flywheel.e2e;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real Node.js libraries in e2e-tests/clients, installed from its lock file the first time a test needs them. */
final class NodeClients {

    /** The dependency added last: when it is there, every other one is. */
    private static final String NEWEST = "node_modules/eventsource";

    private NodeClients() {
    }

    static synchronized Path directory() throws Exception {
        Path clients = Platform.root().resolve("e2e-tests/clients");
        if (!Files.isDirectory(clients.resolve(NEWEST))) {
            // output shared, never standard input: node makes an inherited stdin non-blocking, and this JVM's stdin
            // is the test runner's command channel
            Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(clients.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            install.getOutputStream().close();
            if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
                throw new IllegalStateException("npm ci in e2e-tests/clients failed");
            }
        }
        return clients;
    }

    /** Runs a script with the environment and standard input given; its standard output. */
    static String run(String script, Map<String, String> environment, byte[] input, Duration timeout,
            String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process node = builder.start();
        try (OutputStream in = node.getOutputStream()) {
            in.write(input);
        }
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || node.exitValue() != 0) {
            node.destroyForcibly();
            throw new IllegalStateException(script + " failed: " + out);
        }
        return out;
    }
}
