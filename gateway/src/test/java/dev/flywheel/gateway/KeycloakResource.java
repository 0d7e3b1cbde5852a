package dev.flywheel.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Keycloak (the distribution from Maven Central, unpacked by the build into target/keycloak) with the realm
 * in src/test/resources/keycloak: the provider the single sign-on test signs in through. Keycloak needs Java 21 or
 * later, so it runs with the newest JDK the machine has (FLYWHEEL_KEYCLOAK_JAVA_HOME to choose one).
 */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    static final String REALM = "flywheel";
    static final String CLIENT_ID = "flywheel-console";
    static final String CLIENT_SECRET = "flywheel-console-secret";
    private static final Duration STARTUP = Duration.ofMinutes(4);

    private Process keycloak;

    @Override
    public Map<String, String> start() {
        try {
            Path home = distribution();
            Path data = home.resolve("data");
            deleteTree(data.resolve("h2"));
            Files.createDirectories(data.resolve("import"));
            try (InputStream realm = KeycloakResource.class.getResourceAsStream("/keycloak/flywheel-realm.json")) {
                Files.copy(realm, data.resolve("import/flywheel-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-port=" + port, "--import-realm", "--http-management-port=" + freePort())
                    .redirectErrorStream(true).redirectOutput(home.resolveSibling("keycloak.log").toFile());
            builder.environment().put("JAVA_HOME", javaHome().toString());
            builder.environment().put("JAVA_OPTS_APPEND", "-Xms64m -Xmx512m");
            keycloak = builder.start();
            String issuer = "http://127.0.0.1:" + port + "/realms/" + REALM;
            awaitReady(URI.create(issuer + "/.well-known/openid-configuration"), home);
            return Map.of("quarkus.oidc.tenant-enabled", "true", "flywheel.console.sso.enabled", "true",
                    "quarkus.oidc.auth-server-url", issuer, "quarkus.oidc.client-id", CLIENT_ID,
                    "quarkus.oidc.credentials.secret", CLIENT_SECRET);
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak could not be started", e);
        }
    }

    @Override
    public void stop() {
        if (keycloak != null) {
            keycloak.descendants().forEach(ProcessHandle::destroy);
            keycloak.destroy();
        }
    }

    private static Path distribution() throws IOException {
        try (Stream<Path> found = Files.list(Path.of("target", "keycloak"))) {
            return found.filter(p -> p.getFileName().toString().startsWith("keycloak-")).findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("run the build: it unpacks Keycloak into target/keycloak"))
                    .toAbsolutePath();
        }
    }

    /** FLYWHEEL_KEYCLOAK_JAVA_HOME, else the newest JDK of 21 or later under /usr/lib/jvm. */
    static Path javaHome() throws IOException {
        String chosen = System.getenv("FLYWHEEL_KEYCLOAK_JAVA_HOME");
        if (chosen != null && !chosen.isBlank()) {
            return Path.of(chosen);
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            List<Path> candidates = jdks.filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .filter(p -> feature(p) >= 21).sorted(Comparator.comparingInt(KeycloakResource::feature).reversed())
                    .toList();
            if (candidates.isEmpty()) {
                throw new IllegalStateException("Keycloak needs Java 21 or later: none under /usr/lib/jvm; set "
                        + "FLYWHEEL_KEYCLOAK_JAVA_HOME");
            }
            return candidates.get(0);
        }
    }

    private static int feature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private void awaitReady(URI wellKnown, Path home) throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!keycloak.isAlive()) {
                throw new IllegalStateException("Keycloak exited; see " + home.resolveSibling("keycloak.log"));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) wellKnown.toURL().openConnection();
                connection.setConnectTimeout(1000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        stop();
        throw new IllegalStateException("Keycloak did not start within " + STARTUP + "; see "
                + home.resolveSibling("keycloak.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
