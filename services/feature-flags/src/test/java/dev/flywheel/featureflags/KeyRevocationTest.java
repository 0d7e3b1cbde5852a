package dev.flywheel.featureflags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Iterator;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.flywheel.proto.flagd.evaluation.v2.EventStreamRequest;
import dev.flywheel.proto.flagd.evaluation.v2.EventStreamResponse;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveBooleanRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc;
import dev.flywheel.service.auth.KeyRevocations;
import dev.flywheel.testsupport.KeyDirectoryResource;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A revoked key stops working on this replica the moment the gateway's NOTIFY arrives, although its last lookup is
 * still remembered, and a flagd stream opened with it ends (ADR 0008).
 */
@QuarkusTest
class KeyRevocationTest {

    @TestHTTPResource
    URL url;

    @Test
    void aNotifiedRevocationEndsCallsAndStreamsAtOnce() throws Exception {
        String key = TestKeys.serverKeyOf("revocation-" + UUID.randomUUID());
        try (FlagsGrpc grpc = new FlagsGrpc(url)) {
            ServiceGrpc.ServiceBlockingStub flagd = TestKeys.presenting(ServiceGrpc.newBlockingStub(grpc.channel),
                    key);
            ResolveBooleanRequest missing = ResolveBooleanRequest.newBuilder().setFlagKey("missing").build();
            assertEquals(Status.Code.NOT_FOUND, FlagsGrpc.code(() -> flagd.resolveBoolean(missing)));
            Iterator<EventStreamResponse> stream = flagd.eventStream(EventStreamRequest.getDefaultInstance());
            assertEquals("provider_ready", stream.next().getType());

            // The directory now refuses the key, but this replica still remembers its last answer.
            KeyDirectoryResource.revoke(key);
            assertEquals(Status.Code.NOT_FOUND, FlagsGrpc.code(() -> flagd.resolveBoolean(missing)));

            KeyDirectoryResource.revokeAndNotify(key, KeyRevocations.CHANNEL, KeyRevocations.payload(key));
            long notified = System.nanoTime();
            Status.Code code;
            do {
                code = FlagsGrpc.code(() -> flagd.resolveBoolean(missing));
            } while (code != Status.Code.UNAUTHENTICATED && System.nanoTime() - notified < 1_000_000_000L);
            assertEquals(Status.Code.UNAUTHENTICATED, code, "still honoured a second after its revocation");
            StatusRuntimeException ended = assertThrows(StatusRuntimeException.class, () -> {
                while (stream.hasNext()) {
                    assertTrue(stream.next().getType().equals("keep_alive"));
                }
            });
            assertEquals(Status.Code.UNAUTHENTICATED, ended.getStatus().getCode());
        }
    }
}
