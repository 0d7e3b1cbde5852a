package dev.flywheel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.IngestBatchRequest;
import dev.flywheel.proto.events.v1.IngestResponse;
import dev.flywheel.proto.events.v1.IngestServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/** Backends sending typed events straight to the event-collector over gRPC, authenticated by their key. */
@ExtendWith(Platform.class)
class GrpcIngestE2ETest {

    private static ManagedChannel channel;
    private static String project;
    private static String serverKey;

    @BeforeAll
    static void connect() {
        var collector = Platform.serviceUri("EVENT_COLLECTOR");
        channel = ManagedChannelBuilder.forAddress(collector.getHost(), collector.getPort()).usePlaintext().build();
        project = Tenants.project("grpc");
        serverKey = Tenants.key(project, "server", "production");
    }

    @AfterAll
    static void disconnect() {
        channel.shutdownNow();
    }

    private static Metadata bearer(String key) {
        Metadata metadata = new Metadata();
        metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return metadata;
    }

    private static IngestBatchRequest batch(String run, int from, int count) {
        IngestBatchRequest.Builder batch = IngestBatchRequest.newBuilder();
        for (int i = from; i < from + count; i++) {
            batch.addEvents(Event.newBuilder().setType(EventType.EVENT_TYPE_TRACK).setName("Backend Event")
                    .setUserId("svc-user").setMessageId(run + "-" + i));
        }
        return batch.build();
    }

    @Test
    void unaryBatchWithAServerKey() {
        String run = UUID.randomUUID().toString();
        IngestResponse response = IngestServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(serverKey)))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .ingestBatch(batch(run, 0, 10));
        assertEquals(10, response.getAccepted());
        List<Event> landed = KafkaEvents.events(project, e -> e.getMessageId().startsWith(run), 10,
                Duration.ofSeconds(20));
        assertEquals(10, landed.size());
        assertEquals("production", landed.get(0).getScope().getEnvironment());
    }

    @Test
    void clientStreamAnswersOnceEverythingIsDurable() throws Exception {
        String run = UUID.randomUUID().toString();
        var done = new java.util.concurrent.CompletableFuture<IngestResponse>();
        StreamObserver<IngestBatchRequest> stream = IngestServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(serverKey)))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .ingestStream(new StreamObserver<>() {
                    public void onNext(IngestResponse value) {
                        done.complete(value);
                    }

                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    public void onCompleted() {
                    }
                });
        for (int b = 0; b < 5; b++) {
            stream.onNext(batch(run, b * 100, 100));
        }
        stream.onCompleted();
        IngestResponse response = done.get(60, TimeUnit.SECONDS);
        assertEquals(500, response.getAccepted());
        assertEquals(500, KafkaEvents.events(project, e -> e.getMessageId().startsWith(run), 500,
                Duration.ofSeconds(30)).size());
    }

    @Test
    void keysAreChecked() {
        var stub = IngestServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
                () -> stub.ingestBatch(batch("x", 0, 1)));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> stub
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                        bearer("fw_server_ffffffffffffffffffffffffffffffff")))
                .ingestBatch(batch("x", 0, 1)));
        assertEquals(Status.Code.UNAUTHENTICATED, unknown.getStatus().getCode());
        String admin = Tenants.key(project, "admin", null);
        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> stub
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(admin)))
                .ingestBatch(batch("x", 0, 1)));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
    }
}
