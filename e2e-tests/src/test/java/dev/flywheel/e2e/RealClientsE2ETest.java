package dev.flywheel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.segment.analytics.Analytics;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;

import dev.flywheel.proto.events.v1.Event;

/**
 * Real analytics libraries, configured only with the gateway's address and a key: every event they send arrives on
 * Kafka exactly once, in the right project.
 */
@ExtendWith(Platform.class)
class RealClientsE2ETest {

    private static final int CALLS = 7;
    private static String project;
    private static String clientKey;
    private static String serverKey;

    @BeforeAll
    static void setUp() throws Exception {
        project = Tenants.project("clients");
        clientKey = Tenants.key(project, "client", "production");
        serverKey = Tenants.key(project, "server", "production");
        NodeClients.directory();
    }

    @Test
    void segmentAnalyticsNode() throws Exception {
        assertNodeLibraryDeliversExactlyOnce("segment");
    }

    @Test
    void rudderstackNodeSdkWithGzipAndFormContentType() throws Exception {
        assertNodeLibraryDeliversExactlyOnce("rudder");
    }

    @Test
    void segmentJavaLibrary() throws Exception {
        String run = UUID.randomUUID().toString();
        String user = "user-" + run;
        // analytics-java posts to /v1/import, so it is a backend library and uses a server key.
        Analytics analytics = Analytics.builder(serverKey).endpoint(Platform.gatewayUrl()).flushQueueSize(5).build();
        try {
            analytics.enqueue(IdentifyMessage.builder().userId(user).traits(java.util.Map.of("runId", run)));
            analytics
                    .enqueue(TrackMessage.builder("Signed Up").userId(user).properties(java.util.Map.of("runId", run)));
            analytics.enqueue(TrackMessage.builder("Upgraded").userId(user));
            analytics.enqueue(PageMessage.builder("Pricing").userId(user));
            analytics.enqueue(ScreenMessage.builder("Home").userId(user));
            analytics.enqueue(GroupMessage.builder("group-" + run).userId(user));
            analytics.enqueue(AliasMessage.builder("old-" + run).userId(user));
            analytics.flush();
        } finally {
            analytics.shutdown();
        }
        assertExactlyOnce(user);
    }

    private void assertNodeLibraryDeliversExactlyOnce(String library) throws Exception {
        String run = UUID.randomUUID().toString();
        String output = run(Platform.root().resolve("e2e-tests/clients"), Duration.ofMinutes(1), "node",
                "send-events.mjs", library, Platform.gatewayUrl(), clientKey, run);
        assertTrue(output.trim().endsWith(Integer.toString(CALLS)), output);
        assertExactlyOnce("user-" + run);
    }

    private static void assertExactlyOnce(String user) {
        List<Event> first = KafkaEvents.events(project, e -> e.getUserId().equals(user), CALLS,
                Duration.ofSeconds(30));
        assertEquals(CALLS, first.size(), "events of " + user + ": " + first);
        // Give late duplicates time to show up before concluding there are none.
        List<Event> settled = KafkaEvents.allEvents(project, e -> e.getUserId().equals(user), Duration.ofSeconds(3));
        assertEquals(CALLS, settled.size());
        assertEquals(CALLS, settled.stream().map(Event::getMessageId).distinct().count());
        assertTrue(settled.stream().allMatch(e -> e.getScope().getProjectId().equals(project)));
    }

    private static String run(Path directory, Duration timeout, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + new String(output));
        }
        return new String(output);
    }
}
