package dev.flywheel.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URL;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flywheel.proto.auth.v1.AuthServiceGrpc;
import dev.flywheel.proto.auth.v1.ResolveKeyRequest;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AuthGrpcServiceTest {

    @TestHTTPResource
    URL url;

    /** AuthService is served on the gateway's internal gRPC port, never on the public one. */
    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int internalPort;

    private ManagedChannel channel;
    private AuthServiceGrpc.AuthServiceBlockingStub auth;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress(url.getHost(), internalPort).usePlaintext().build();
        auth = AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void resolvesAServerKeyToItsScope() {
        String project = AdminFixtures.project();
        String key = AdminFixtures.key(project, "server", "production");
        ResolveKeyResponse resolved = auth.resolveKey(ResolveKeyRequest.newBuilder().setKey(key).build());
        assertEquals(KeyKind.KEY_KIND_SERVER, resolved.getKind());
        assertEquals(project, resolved.getScope().getProjectId());
        assertEquals("production", resolved.getScope().getEnvironment());
    }

    @Test
    void unknownKeysAreUnauthenticatedAndEmptyOnesInvalid() {
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> auth.resolveKey(
                ResolveKeyRequest.newBuilder().setKey("fw_server_00000000000000000000000000000000").build()));
        assertEquals(Status.Code.UNAUTHENTICATED, unknown.getStatus().getCode());
        StatusRuntimeException empty = assertThrows(StatusRuntimeException.class,
                () -> auth.resolveKey(ResolveKeyRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
    }

    @Test
    void thePublicPortDoesNotResolveKeys() {
        ManagedChannel publicChannel = ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext()
                .build();
        try {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> AuthServiceGrpc.newBlockingStub(publicChannel).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .resolveKey(ResolveKeyRequest.newBuilder().setKey("fw_server_x").build()));
            assertNotEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
            assertNotEquals(Status.Code.OK, refused.getStatus().getCode());
        } finally {
            publicChannel.shutdownNow();
        }
    }
}
