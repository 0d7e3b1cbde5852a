package dev.flywheel.featureflags;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.flywheel.proto.flags.v1.FlagAdminServiceGrpc;
import dev.flywheel.proto.flags.v1.FlagAdminServiceGrpc.FlagAdminServiceBlockingStub;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
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
