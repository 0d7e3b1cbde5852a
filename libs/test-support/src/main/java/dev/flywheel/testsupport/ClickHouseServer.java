package dev.flywheel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real ClickHouse server process of the tests' own: Debian's {@code clickhouse-server} (installed with apt-get
 * when the machine lacks it), on free ports, its data in a temporary folder, stopped with the test JVM. Several can
 * run side by side as the shards of a cluster ({@code remoteServers} names them). When {@code CLICKHOUSE_URL} is set,
 * {@link #shared()} uses that server instead and starts nothing.
 */
public final class ClickHouseServer {

    private static ClickHouseServer shared;

    private Process process;
    private final Path directory;
    private final int httpPort;
    private final int tcpPort;

    private ClickHouseServer(Process process, Path directory, int httpPort, int tcpPort) {
        this.process = process;
        this.directory = directory;
        this.httpPort = httpPort;
        this.tcpPort = tcpPort;
    }

    /** The server every test of a JVM shares (null when CLICKHOUSE_URL names another). */
    public static synchronized ClickHouseServer shared() {
        sharedUrl();
        return shared;
    }

    /** The HTTP address of the server every test of a JVM shares. */
    public static synchronized String sharedUrl() {
        String external = System.getenv("CLICKHOUSE_URL");
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (shared == null) {
            shared = start("");
        }
        return shared.url();
    }

    /**
     * Starts a server; {@code remoteServers} is the inner XML of its {@code remote_servers} section (the clusters
     * its Distributed tables reach), or empty.
     */
    public static ClickHouseServer start(String remoteServers) {
        return start(ownTcpPort -> remoteServers);
    }

    /** Starts a server whose {@code remote_servers} may name itself: they are made from its own native port. */
    public static ClickHouseServer start(java.util.function.IntFunction<String> remoteServers) {
        ensureInstalled();
        try {
            Path directory = Files.createTempDirectory("flywheel-clickhouse-");
            int http = freePort();
            int tcp = freePort();
            Files.writeString(directory.resolve("config.xml"), config(directory, http, tcp, remoteServers.apply(
                    tcp)));
            Files.writeString(directory.resolve("users.xml"), USERS);
            ClickHouseServer server = new ClickHouseServer(launch(directory), directory, http, tcp);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "clickhouse-stop"));
            server.awaitReady(Duration.ofSeconds(60));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start clickhouse-server", e);
        }
    }

    private static Process launch(Path directory) throws IOException {
        return new ProcessBuilder("clickhouse-server", "--config-file=" + directory.resolve("config.xml"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve(
                        "stdout.log").toFile()))
                .start();
    }

    /** Starts the stopped server again, with its data, on its ports. */
    public synchronized void restart() {
        try {
            process = launch(directory);
        } catch (IOException e) {
            throw new IllegalStateException("Could not restart clickhouse-server", e);
        }
        awaitReady(Duration.ofSeconds(60));
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** The native-protocol port, which other servers' Distributed tables use to reach this one. */
    public int tcpPort() {
        return tcpPort;
    }

    public Path directory() {
        return directory;
    }

    /** Stops the process (the outage tests' way of taking the server away) and waits for it to end. */
    public synchronized void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException("clickhouse-server exited with " + process.exitValue() + "; see "
                        + directory.resolve("stdout.log") + " and server.err.log");
            }
            try {
                HttpURLConnection ping = (HttpURLConnection) URI.create(url() + "/ping").toURL().openConnection();
                ping.setConnectTimeout(500);
                ping.setReadTimeout(2_000);
                if (ping.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            sleep(100);
        }
        stop();
        throw new IllegalStateException("clickhouse-server did not answer within " + timeout);
    }

    /** Installs Debian's package on a machine that lacks it (a fresh CI machine). */
    private static synchronized void ensureInstalled() {
        if (onPath()) {
            return;
        }
        try {
            Process install = new ProcessBuilder("sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
                    + "clickhouse-server || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y"
                    + " -qq clickhouse-server)").redirectErrorStream(true).start();
            String output;
            try (InputStream out = install.getInputStream()) {
                output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (install.waitFor() != 0 || !onPath()) {
                throw new IllegalStateException("apt-get could not install clickhouse-server:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("apt-get could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "clickhouse-server"))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/clickhouse-server"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Small caches: the tests' data is small and several servers may share the machine.
    private static String config(Path directory, int http, int tcp, String remoteServers) {
        return """
                <?xml version="1.0"?>
                <yandex>
                    <logger><level>warning</level><log>%1$s/server.log</log><errorlog>%1$s/server.err.log</errorlog>
                        <size>50M</size><count>1</count></logger>
                    <http_port>%2$d</http_port>
                    <tcp_port>%3$d</tcp_port>
                    <listen_host>127.0.0.1</listen_host>
                    <path>%1$s/data/</path>
                    <tmp_path>%1$s/tmp/</tmp_path>
                    <user_files_path>%1$s/user_files/</user_files_path>
                    <format_schema_path>%1$s/format_schemas/</format_schema_path>
                    <users_config>users.xml</users_config>
                    <default_profile>default</default_profile>
                    <default_database>default</default_database>
                    <mark_cache_size>134217728</mark_cache_size>
                    <uncompressed_cache_size>134217728</uncompressed_cache_size>
                    <timezone>UTC</timezone>
                    <remote_servers>%4$s</remote_servers>
                </yandex>
                """.formatted(directory, http, tcp, remoteServers);
    }

    private static final String USERS = """
            <?xml version="1.0"?>
            <yandex>
                <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
                <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                    <profile>default</profile><quota>default</quota></default></users>
                <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
                    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
                </interval></default></quotas>
            </yandex>
            """;
}
