package dev.flywheel.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.flywheel.proto.auth.v1.AuthServiceGrpc;
import dev.flywheel.proto.auth.v1.ResolveKeyRequest;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.Scope;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for the gateway's AuthService in a single service's tests: the same gRPC contract, answering for the
 * fixed {@link TestKeys} and for keys made for one test's own project ({@link TestKeys#serverKeyOf}). The real gateway
 * answers in the end-to-end tests.
 */
public class KeyDirectoryResource implements QuarkusTestResourceLifecycleManager {

    private static final Set<String> REVOKED = ConcurrentHashMap.newKeySet();

    /** From now on the directory answers for {@code key} as the gateway does for a revoked key. */
    public static void revoke(String key) {
        REVOKED.add(key);
    }

    /**
     * Revokes {@code key} and sends the notification the gateway sends in the revoking transaction (on the service's
     * own database, read from its configuration), so the service hears of it at once.
     */
    public static void revokeAndNotify(String key, String channel, String payload) {
        revoke(key);
        Config config = ConfigProvider.getConfig();
        try (Connection connection = DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                PreparedStatement notify = connection.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, channel);
            notify.setString(2, payload);
            notify.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("could not notify the revocation", e);
        }
    }

    private Server server;

    @Override
    public Map<String, String> start() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(new Directory()).build().start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the test key directory", e);
        }
        String port = Integer.toString(server.getPort());
        // in test mode Quarkus points gRPC clients at test-port, so both are set
        return Map.of("quarkus.grpc.clients.gateway-auth.host", "127.0.0.1",
                "quarkus.grpc.clients.gateway-auth.port", port,
                "quarkus.grpc.clients.gateway-auth.test-port", port);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    private static final class Directory extends AuthServiceGrpc.AuthServiceImplBase {
        @Override
        public void resolveKey(ResolveKeyRequest request, StreamObserver<ResolveKeyResponse> response) {
            if (REVOKED.contains(request.getKey())) {
                response.onError(Status.UNAUTHENTICATED.withDescription("revoked key").asRuntimeException());
                return;
            }
            for (TestKeys key : TestKeys.values()) {
                if (key.key.equals(request.getKey())) {
                    response.onNext(ResolveKeyResponse.newBuilder().setKeyId(key.name().toLowerCase())
                            .setKind(key.kind)
                            .setScope(Scope.newBuilder().setOrganisationId("organisation")
                                    .setProjectId(key.projectId).setEnvironmentId(key.environment)
                                    .setEnvironment(key.environment))
                            .build());
                    response.onCompleted();
                    return;
                }
            }
            ResolveKeyResponse perProject = TestKeys.resolvePerProject(request.getKey());
            if (perProject != null) {
                response.onNext(perProject);
                response.onCompleted();
                return;
            }
            response.onError(Status.UNAUTHENTICATED.withDescription("unknown key").asRuntimeException());
        }
    }
}
