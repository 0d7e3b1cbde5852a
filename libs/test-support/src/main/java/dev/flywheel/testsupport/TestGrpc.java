package dev.flywheel.testsupport;

import org.eclipse.microprofile.config.ConfigProvider;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/** The app under test's gRPC server: a server of its own, on the test port its application.properties names. */
public final class TestGrpc {

    private TestGrpc() {
    }

    public static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
    }

    /** A plaintext channel to it; the caller shuts it down. */
    public static ManagedChannel channel() {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
    }
}
