package dev.flywheel.gateway.auth.grpc;

import dev.flywheel.gateway.auth.service.KeyResolver;
import dev.flywheel.proto.auth.v1.AuthService;
import dev.flywheel.proto.auth.v1.ResolveKeyRequest;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.service.grpc.ProtoValues;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Lets services check a key presented on a direct gRPC call, with the same cache and rules as the REST edge. */
@GrpcService
public class AuthGrpcService implements AuthService {

    private final KeyResolver resolver;

    public AuthGrpcService(KeyResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public Uni<ResolveKeyResponse> resolveKey(ResolveKeyRequest request) {
        if (request.getKey().isBlank()) {
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription("key is required")
                    .asRuntimeException());
        }
        return resolver.resolve(request.getKey())
                .onItem().ifNull().failWith(() -> Status.UNAUTHENTICATED
                        .withDescription("The API key is unknown, revoked or expired").asRuntimeException())
                .map(key -> {
                    Scope.Builder scope = Scope.newBuilder()
                            .setOrganisationId(key.organisationId().toString())
                            .setProjectId(key.projectId().toString());
                    if (key.environmentId() != null) {
                        scope.setEnvironmentId(key.environmentId().toString()).setEnvironment(key.environment());
                    }
                    ResolveKeyResponse.Builder response = ResolveKeyResponse.newBuilder()
                            .setKeyId(key.keyId().toString())
                            .setKind(key.kind().toProto())
                            .setScope(scope);
                    if (key.expiresAt() != null) {
                        response.setExpiresAt(ProtoValues.timestamp(key.expiresAt()));
                    }
                    return response.build();
                });
    }
}
