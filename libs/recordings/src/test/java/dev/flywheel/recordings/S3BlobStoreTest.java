package dev.flywheel.recordings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The S3 store against a real S3-compatible server: S3Proxy (Maven Central, org.gaul:s3proxy, run from its published
 * jar as a process of its own, keeping objects in a folder), with signed requests; and what a put does while the
 * server is down.
 */
class S3BlobStoreTest extends BlobStoreContract {

    private static final Path JAR = Path.of("target", "s3proxy", "s3proxy.jar");
    private static Path data;
    private static Path config;
    private static int port;
    private static Process server;
    private static S3BlobStore store;

    @BeforeAll
    static void startServer() throws Exception {
        assertTrue(Files.exists(JAR), "S3Proxy's jar (fetched by the build into target/s3proxy)");
        data = Files.createTempDirectory("flywheel-s3proxy-");
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        config = data.resolve("s3proxy.conf");
        Files.writeString(config, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=flywheel-test",
                "s3proxy.credential=flywheel-test-secret",
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data.resolve("objects")) + "\n");
        start();
        store = new S3BlobStore(new S3BlobStore.Settings(Optional.of(URI.create("http://127.0.0.1:" + port)),
                "us-east-1", "recordings", "flywheel-test", "flywheel-test-secret", true, Duration.ofSeconds(5)));
        store.createBucketIfMissing();
    }

    private static void start() throws Exception {
        Files.createDirectories(data.resolve("objects"));
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", JAR.toString(), "--properties", config.toString())
                .redirectErrorStream(true).redirectOutput(data.resolve("s3proxy.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    throw new IllegalStateException("S3Proxy did not start: " + Files.readString(data.resolve(
                            "s3proxy.log")));
                }
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stopServer() {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void aPutWhileTheServerIsDownFailsAsAStorageFailureAndWorksOnceItIsBack() throws Exception {
        String key = BlobKeys.chunk("outage", "production", "session-outage", "window-0001", 0);
        server.destroyForcibly().waitFor();
        IOException down = assertThrows(IOException.class, () -> store.put(key, bytes("kept")));
        assertTrue(down.getMessage().contains("S3 put"), down.getMessage());
        start();
        store.put(key, bytes("kept"));
        assertArrayEquals(bytes("kept"), store.get(key).orElseThrow());
    }
}
