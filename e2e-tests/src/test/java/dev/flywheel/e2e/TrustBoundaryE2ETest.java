package dev.flywheel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.google.protobuf.ByteString;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.IngestSegmentRequest;
import dev.flywheel.proto.flagd.evaluation.v1.EventStreamResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;

/**
 * The trust model of ADR 0008, from outside, on every port of every service (not only through the gateway): no RPC
 * acts for a tenant without that tenant's key, and a key never reaches another tenant's data.
 */
@ExtendWith(Platform.class)
class TrustBoundaryE2ETest {

    private static final long DEADLINE = 5_000;
    private static String projectA;
    private static String projectB;
    private static String serverKeyA;
    private static String clientKeyB;

    @BeforeAll
    static void tenants() {
        projectA = Tenants.project("trust-a");
        projectB = Tenants.project("trust-b");
        serverKeyA = Tenants.key(projectA, "server", "production");
        clientKeyB = Tenants.key(projectB, "client", "production");
    }

    @Test
    void everyRpcOnEveryPortRefusesCallersWithoutAValidKey() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String port : GrpcSurface.PORTS) {
            URI address = GrpcSurface.address(port);
            ManagedChannel channel = ManagedChannelBuilder.forAddress(address.getHost(), address.getPort())
                    .usePlaintext().build();
            try {
                for (ServiceDescriptor service : GrpcSurface.SERVICES) {
                    for (MethodDescriptor<byte[], byte[]> method : GrpcSurface.methods(service)) {
                        for (String key : new String[]{null, "fw_server_" + "f".repeat(32)}) {
                            checked++;
                            GrpcSurface.Answer answer = GrpcSurface.call(channel, method, new byte[0], key,
                                    DEADLINE);
                            String what = port + " " + method.getFullMethodName()
                                    + (key == null ? "" : " (forged key)");
                            if (!GrpcSurface.serves(port, service)) {
                                if (answer.code() == Status.Code.OK) {
                                    problems.add(what + ": answered on a port that should not serve it");
                                }
                            } else if (method.getFullMethodName().endsWith("AuthService/ResolveKey")) {
                                // The key service itself: the key is the request, and it names none.
                                expect(problems, what, answer, Status.Code.INVALID_ARGUMENT);
                            } else if (key == null && method.getFullMethodName().endsWith("/EventStream")) {
                                anonymousStreamCarriesNoFlags(problems, what, answer);
                            } else if (method.getFullMethodName().equals("flagd.sync.v1.FlagSyncService/GetMetadata")) {
                                // flagd's static evaluation context, empty here: providers ask before their key
                                expect(problems, what, answer, Status.Code.OK);
                            } else {
                                expect(problems, what, answer, Status.Code.UNAUTHENTICATED);
                            }
                        }
                    }
                }
            } finally {
                channel.shutdownNow();
            }
        }
        assertTrue(problems.isEmpty(), checked + " calls; these broke the trust model:\n" + String.join("\n",
                problems));
    }

    /**
     * ADR 0003: an anonymous flagd stream is accepted, and hears nothing but readiness until its connection proves a
     * key.
     */
    private static void anonymousStreamCarriesNoFlags(List<String> problems, String what, GrpcSurface.Answer answer) {
        if (answer.code() != Status.Code.OK || answer.first() == null) {
            problems.add(what + ": " + answer.status());
            return;
        }
        try {
            String type = EventStreamResponse.parseFrom(answer.first()).getType();
            if (!type.equals("provider_ready")) {
                problems.add(what + ": first message " + type);
            }
        } catch (Exception e) {
            problems.add(what + ": unreadable stream message");
        }
    }

    private static void expect(List<String> problems, String what, GrpcSurface.Answer answer, Status.Code code) {
        if (answer.code() != code) {
            problems.add(what + ": " + answer.code() + " " + answer.status().getDescription() + ", expected " + code);
        }
    }

    @Test
    void forwardedSegmentBodiesBelongToThePresentedKeyWhateverTheyClaim() {
        URI collector = Platform.serviceUri("EVENT_COLLECTOR");
        ManagedChannel channel = ManagedChannelBuilder.forAddress(collector.getHost(), collector.getPort())
                .usePlaintext().build();
        try {
            String run = UUID.randomUUID().toString();
            byte[] claimsA = ("{\"writeKey\":\"" + serverKeyA + "\",\"event\":\"Forged\",\"userId\":\"u\","
                    + "\"messageId\":\"" + run + "\"}").getBytes(StandardCharsets.UTF_8);
            MethodDescriptor<byte[], byte[]> segment = GrpcSurface.methods(
                    dev.flywheel.proto.events.v1.IngestServiceGrpc.getServiceDescriptor()).stream()
                    .filter(m -> m.getFullMethodName().endsWith("/IngestSegment")).findFirst().orElseThrow();
            byte[] request = IngestSegmentRequest.newBuilder().setCall("track")
                    .setBody(ByteString.copyFrom(claimsA)).build().toByteArray();
            // No key: refused, whatever the body says.
            assertEquals(Status.Code.UNAUTHENTICATED,
                    GrpcSurface.call(channel, segment, request, null, DEADLINE).code());
            // B's client key: accepted into B, never A; and a client key cannot import history.
            assertEquals(Status.Code.OK, GrpcSurface.call(channel, segment, request, clientKeyB, DEADLINE).code());
            byte[] importing = IngestSegmentRequest.newBuilder().setCall("import")
                    .setBody(ByteString.copyFrom(claimsA)).build().toByteArray();
            assertEquals(Status.Code.PERMISSION_DENIED,
                    GrpcSurface.call(channel, segment, importing, clientKeyB, DEADLINE).code());
            List<Event> inB = KafkaEvents.events(projectB, e -> e.getMessageId().equals(run), 1,
                    Duration.ofSeconds(20));
            assertEquals(1, inB.size());
            assertEquals(projectB, inB.get(0).getScope().getProjectId());
            assertEquals(0, KafkaEvents.allEvents(projectA, e -> e.getMessageId().equals(run),
                    Duration.ofSeconds(2)).size());
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aValidKeyOfTheWrongKindIsRefusedNotServed() {
        URI flagd = Platform.serviceUri("FLAGD");
        ManagedChannel channel = ManagedChannelBuilder.forAddress(flagd.getHost(), flagd.getPort()).usePlaintext()
                .build();
        try {
            for (MethodDescriptor<byte[], byte[]> method : GrpcSurface.methods(
                    dev.flywheel.proto.flags.v1.FlagAdminServiceGrpc.getServiceDescriptor())) {
                GrpcSurface.Answer answer = GrpcSurface.call(channel, method, new byte[0], clientKeyB, DEADLINE);
                assertEquals(Status.Code.PERMISSION_DENIED, answer.code(), method.getFullMethodName());
            }
            for (MethodDescriptor<byte[], byte[]> method : GrpcSurface.methods(
                    dev.flywheel.proto.flagd.evaluation.v1.ServiceGrpc.getServiceDescriptor())) {
                GrpcSurface.Answer answer = GrpcSurface.call(channel, method, new byte[0], clientKeyB, DEADLINE);
                assertNotEquals(Status.Code.OK, answer.code(), method.getFullMethodName());
            }
        } finally {
            channel.shutdownNow();
        }
    }
}
