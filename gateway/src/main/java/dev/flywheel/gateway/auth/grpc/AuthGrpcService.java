package dev.flywheel.gateway.auth.grpc;

import dev.flywheel.gateway.auth.service.KeyResolver;
import dev.flywheel.gateway.people.service.DelegatedCredentials;
import dev.flywheel.proto.auth.v1.AuthService;
import dev.flywheel.proto.auth.v1.ResolveKeyRequest;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.service.grpc.ProtoValues;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Lets services check a key presented on a direct gRPC call, with the same cache and rules as the REST edge. */
@GrpcService
public class AuthGrpcService implements AuthService {

    private final KeyResolver resolver;
    private final DelegatedCredentials delegated;

    public AuthGrpcService(KeyResolver resolver, DelegatedCredentials delegated) {
        this.resolver = resolver;
        this.delegated = delegated;
    }

    @Override
    public Uni<ResolveKeyResponse> resolveKey(ResolveKeyRequest request) {
        if (request.getKey().isBlank()) {
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription("key is required")
                    .asRuntimeException());
        }
        if (DelegatedCredentials.isDelegated(request.getKey())) {
            return delegated.verify(request.getKey()).onItem().ifNull().failWith(AuthGrpcService::unknown)
                    .map(AuthGrpcService::onBehalfOf);
        }
        return resolver.resolve(request.getKey())
                .onItem().ifNull().failWith(AuthGrpcService::unknown)
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

    /** A signed-in person's credential for one project: an admin key of it, whose changes name the person. */
    private static ResolveKeyResponse onBehalfOf(DelegatedCredentials.Delegation delegation) {
        return ResolveKeyResponse.newBuilder()
                .setKeyId("person-" + delegation.personId())
                .setKind(KeyKind.KEY_KIND_ADMIN)
                .setScope(Scope.newBuilder().setOrganisationId(delegation.organisationId().toString())
                        .setProjectId(delegation.projectId().toString()))
                .setExpiresAt(ProtoValues.timestamp(delegation.expiresAt()))
                .setActor("person:" + delegation.email())
                .build();
    }

    private static RuntimeException unknown() {
        return Status.UNAUTHENTICATED.withDescription("The API key is unknown, revoked or expired")
                .asRuntimeException();
    }
}
