package dev.flywheel.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second gateway replica beside the local platform's: the same jar, database, Redis and services, on ports of its
 * own, as a second pod behind a load balancer would be. Stopped (by its pid) when closed.
 */
final class GatewayReplica implements AutoCloseable {

    static final int HTTP_PORT = 18480;
    private static final int MANAGEMENT_PORT = 18580;
    private static final int INTERNAL_GRPC_PORT = 18490;

    private final Process process;
    private final Path log;

    private GatewayReplica(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static GatewayReplica start() throws Exception {
        Path root = Platform.root();
        Path log = Files.createTempFile("gateway-replica", ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of("java", "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                "-Dflywheel.component=gateway-replica", "-jar",
                root.resolve("gateway/target/quarkus-app/quarkus-run.jar").toString()))
                .directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("FLYWHEEL_HTTP_HOST", "127.0.0.1");
        environment.put("FLYWHEEL_HTTP_PORT", Integer.toString(HTTP_PORT));
        environment.put("FLYWHEEL_MANAGEMENT_PORT", Integer.toString(MANAGEMENT_PORT));
        environment.put("FLYWHEEL_GATEWAY_INTERNAL_PORT", Integer.toString(INTERNAL_GRPC_PORT));
        environment.put("FLYWHEEL_BOOTSTRAP_ADMIN_KEY", Platform.bootstrapKey());
        environment.put("FLYWHEEL_LOG_JSON", "false");
        GatewayReplica replica = new GatewayReplica(builder.start(), log);
        replica.awaitReady(Duration.ofMinutes(1));
        return replica;
    }

    String url() {
        return "http://127.0.0.1:" + HTTP_PORT;
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT
                + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway replica exited:\n" + Files.readString(log));
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                "the gateway replica was not ready in " + timeout + ":\n" + Files.readString(log));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
    }
}
