package dev.flywheel.featureflags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.flywheel.proto.flags.v1.FlagAdminServiceGrpc;
import dev.flywheel.proto.flags.v1.FlagAdminServiceGrpc.FlagAdminServiceBlockingStub;
import dev.flywheel.proto.flags.v1.PutFlagRequest;
import dev.flywheel.testsupport.TestKeys;
import dev.openfeature.sdk.Client;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

/** A channel to the service under test, and stubs that present a given key the way real callers do. */
final class FlagsGrpc implements AutoCloseable {

    final ManagedChannel channel;

    FlagsGrpc(URL url) {
        channel = ManagedChannelBuilder.forAddress(url.getHost(), port()).usePlaintext().build();
    }

    /** The service's gRPC port: a server of its own, apart from HTTP (see application.properties). */
    static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
    }

    FlagAdminServiceBlockingStub admin(TestKeys key) {
        return withHeader(FlagAdminServiceGrpc.newBlockingStub(channel), "authorization", "Bearer " + key.key);
    }

    static <S extends AbstractStub<S>> S withHeader(S stub, String name, String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /**
     * Turns staging's new-checkout off (default variant "off") and asserts that {@code client} sees it within a
     * second.
     */
    void assertNewCheckoutOffWithinASecond(Client client) throws InterruptedException {
        long started = System.nanoTime();
        admin(TestKeys.ADMIN_A).putFlag(PutFlagRequest.newBuilder().setEnvironment("staging").setKey("new-checkout")
                .setDefinitionJson(
                        "{\"state\":\"ENABLED\",\"variants\":{\"on\":true,\"off\":false},\"defaultVariant\":\"off\"}")
                .build());
        while (client.getBooleanValue("new-checkout", true) && System.nanoTime() - started < 5_000_000_000L) {
            Thread.sleep(5);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(false, client.getBooleanValue("new-checkout", true));
        assertTrue(millis < 1000, "the change reached the client after " + millis + " ms");
    }

    /** The status a call ends with (OK when it succeeds). */
    static Status.Code code(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    static String resource(String name) {
        try (InputStream in = FlagsGrpc.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
