package dev.flywheel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.flywheel.proto.auth.v1.AuthServiceGrpc;
import dev.flywheel.proto.auth.v1.ResolveKeyRequest;
import dev.flywheel.proto.common.v1.KeyKind;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Services check the keys of direct callers with the gateway's AuthService, on the gateway's internal port; the
 * public port does not answer it (ADR 0008).
 */
@ExtendWith(Platform.class)
class GrpcAuthE2ETest {

    @Test
    void demoServerKeyResolvesAndRevokedStyleGarbageDoesNot() {
        Map<String, String> settings = Platform.settings();
        URI internal = Platform.serviceUri("GATEWAY_INTERNAL");
        ManagedChannel channel = ManagedChannelBuilder.forAddress(internal.getHost(), internal.getPort())
                .usePlaintext().build();
        try {
            var auth = AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
            String key = settings.get("FLYWHEEL_DEMO_PRODUCTION_SERVER_KEY");
            if (key != null) {
                var resolved = auth.resolveKey(ResolveKeyRequest.newBuilder().setKey(key).build());
                assertEquals(KeyKind.KEY_KIND_SERVER, resolved.getKind());
                assertEquals("production", resolved.getScope().getEnvironment());
            }
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> auth.resolveKey(ResolveKeyRequest.newBuilder()
                            .setKey("fw_server_ffffffffffffffffffffffffffffffff").build()));
            assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void thePublicPortDoesNotResolveKeys() {
        ManagedChannel channel = ManagedChannelBuilder
                .forAddress(Platform.gatewayUri().getHost(), Platform.gatewayUri().getPort())
                .usePlaintext().build();
        try {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .resolveKey(ResolveKeyRequest.newBuilder()
                                    .setKey(Platform.settings().get("FLYWHEEL_DEMO_PRODUCTION_SERVER_KEY")).build()));
            assertNotEquals(Status.Code.OK, refused.getStatus().getCode());
        } finally {
            channel.shutdownNow();
        }
    }
}
