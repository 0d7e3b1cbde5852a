package dev.flywheel.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flywheel.flags.FlagType;
import dev.flywheel.proto.events.v1.IngestBatchRequest;
import dev.flywheel.proto.events.v1.IngestResponse;
import dev.flywheel.proto.events.v1.IngestServiceGrpc;
import dev.flywheel.proto.experiments.v1.ExperimentRecord;
import dev.flywheel.proto.experiments.v1.ExperimentSnapshot;
import dev.flywheel.proto.experiments.v1.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.ExperimentSyncServiceGrpc;
import dev.flywheel.proto.experiments.v1.SyncExperimentsRequest;
import dev.flywheel.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import dev.flywheel.proto.flagd.sync.v1.SyncFlagsRequest;
import dev.flywheel.proto.flagd.sync.v1.SyncFlagsResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * What the SDK does with what a server sends it: unreadable snapshots are reported and the last good one stays;
 * a collector that fails retryably gets the batch again; a full buffer drops and reports. The server here plays the
 * platform's part with the platform's own contracts, sending what the platform never would.
 */
class SnapshotAndDeliveryTest {

    static final String GOOD = """
            {"flags": {"banner": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}""";

    final BlockingQueue<String> flagDocuments = new LinkedBlockingQueue<>();
    final BlockingQueue<ExperimentSnapshot> experimentSnapshots = new LinkedBlockingQueue<>();
    final AtomicInteger ingestFailures = new AtomicInteger();
    final List<IngestBatchRequest> ingested = new CopyOnWriteArrayList<>();
    final List<SdkProblem> problems = new CopyOnWriteArrayList<>();
    Server server;

    @BeforeEach
    void serve() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new FlagSyncServiceGrpc.FlagSyncServiceImplBase() {
                    @Override
                    public void syncFlags(SyncFlagsRequest request, StreamObserver<SyncFlagsResponse> out) {
                        stream(flagDocuments, document -> out.onNext(SyncFlagsResponse.newBuilder()
                                .setFlagConfiguration(document).build()));
                    }
                })
                .addService(new ExperimentSyncServiceGrpc.ExperimentSyncServiceImplBase() {
                    @Override
                    public void syncExperiments(SyncExperimentsRequest request,
                            StreamObserver<ExperimentSnapshot> out) {
                        stream(experimentSnapshots, out::onNext);
                    }
                })
                .addService(new IngestServiceGrpc.IngestServiceImplBase() {
                    @Override
                    public void ingestBatch(IngestBatchRequest request, StreamObserver<IngestResponse> out) {
                        if (ingestFailures.getAndDecrement() > 0) {
                            out.onError(Status.UNAVAILABLE.withDescription("Kafka is down").asRuntimeException());
                            return;
                        }
                        ingested.add(request);
                        out.onNext(IngestResponse.newBuilder().setAccepted(request.getEventsCount()).build());
                        out.onCompleted();
                    }
                })
                .build().start();
    }

    /** Sends whatever the test queues, on a thread of its own, until the server stops. */
    private static <T> void stream(BlockingQueue<T> queue, java.util.function.Consumer<T> send) {
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    send.accept(queue.take());
                }
            } catch (InterruptedException | RuntimeException stopped) {
                // the call ended
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    FlywheelClient client(int bufferSize) {
        String target = "127.0.0.1:" + server.getPort();
        return FlywheelClient.start(FlywheelOptions.builder("fw_server_test").flagsTarget(target)
                .experimentsTarget(target).eventsTarget(target).eventBufferSize(bufferSize).eventBatchSize(10)
                .flushInterval(Duration.ofMillis(50)).reconnect(Duration.ofMillis(50), Duration.ofMillis(200))
                .onProblem(problems::add).build());
    }

    @Test
    void anUnreadableSnapshotIsReportedAndTheLastGoodOneStays() throws Exception {
        try (FlywheelClient client = client(100)) {
            flagDocuments.add(GOOD);
            experimentSnapshots.add(snapshot("{\"variations\": [{\"key\": \"a\", \"value\": 1, \"weight\": 0.5}, "
                    + "{\"key\": \"b\", \"value\": 2, \"weight\": 0.5}]}"));
            assertTrue(client.awaitReady(Duration.ofSeconds(5)));
            assertEquals(true, client.evaluate("banner", FlagType.BOOLEAN, Map.of()).value());

            flagDocuments.add("{not json");
            flagDocuments.add("{\"flags\": {\"banner\": {\"state\": \"ENABLED\", \"variants\": {\"on\": true}, "
                    + "\"defaultVariant\": \"missing\"}}}");
            experimentSnapshots.add(snapshot("{\"variations\": \"not a list\"}"));
            await(() -> problems.stream().filter(p -> p.kind() == SdkProblem.Kind.SNAPSHOT_UNREADABLE).count() == 3);
            assertEquals(true, client.evaluate("banner", FlagType.BOOLEAN, Map.of()).value());
            assertEquals(1, client.assignAll(Map.of("id", "u1")).size(), "the last good experiments stay");
        }
    }

    @Test
    void aBatchThatFailsRetryablyIsSentAgainAndAFullBufferDropsAndReports() throws Exception {
        ingestFailures.set(2);
        try (FlywheelClient client = client(5)) {
            int accepted = 0;
            for (int i = 0; i < 8; i++) {
                accepted += client.track("user-" + i, "Clicked", Map.of("n", i)) ? 1 : 0;
            }
            client.flush().get(10, TimeUnit.SECONDS);
            assertTrue(accepted >= 5, "the buffer takes at least its size: " + accepted);
            assertEquals(accepted, ingested.stream().mapToInt(IngestBatchRequest::getEventsCount).sum());
            assertEquals(8 - accepted, client.eventsDropped());
            if (accepted < 8) {
                assertTrue(problems.stream().anyMatch(p -> p.kind() == SdkProblem.Kind.EVENTS_DROPPED),
                        problems::toString);
            }
            assertEquals("Clicked", ingested.get(0).getEvents(0).getName());
            assertFalse(ingested.get(0).getEvents(0).getMessageId().isEmpty());
        }
    }

    private static ExperimentSnapshot snapshot(String definition) {
        return ExperimentSnapshot.newBuilder().setProjectId("p").setEnvironment("production").setVersion(1)
                .addExperiments(ExperimentRecord.newBuilder().setKey("e").setDefinitionJson(definition)
                        .setStatus(ExperimentStatus.EXPERIMENT_STATUS_RUNNING))
                .build();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "not within 5 s");
    }
}
