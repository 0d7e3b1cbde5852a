package dev.flywheel.service.auth;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.auth.v1.MutinyAuthServiceGrpc.MutinyAuthServiceStub;
import dev.flywheel.proto.auth.v1.ResolveKeyRequest;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;

/**
 * Checks a direct gRPC caller's key with the gateway's AuthService (one place owns keys), remembering answers
 * briefly so a stream of calls costs one lookup. Failures are gRPC statuses, ready for the caller's answer.
 */
@ApplicationScoped
public class KeyAuthenticator {

    private static final int MAX_CACHED = 10_000;

    private final MutinyAuthServiceStub auth;
    private final AuthConfig config;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(ResolveKeyResponse key, Instant until) {
    }

    public KeyAuthenticator(@GrpcClient("gateway-auth") MutinyAuthServiceStub auth, AuthConfig config) {
        this.auth = auth;
        this.config = config;
    }

    /** Authenticates the key the current call presented (see {@link CallerKeyInterceptor}). */
    public Uni<ResolveKeyResponse> authenticateCaller(Set<KeyKind> allowed, String action) {
        String problem = CallerKeyInterceptor.CREDENTIAL_PROBLEM.get();
        if (problem != null) {
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
        }
        return authenticate(CallerKeyInterceptor.CALLER_KEY.get(), allowed, action);
    }

    /** Resolves a key and checks that its kind may do {@code action} (e.g. "evaluate flags"). */
    public Uni<ResolveKeyResponse> authenticate(String key, Set<KeyKind> allowed, String action) {
        return resolve(key).flatMap(resolved -> allowed.contains(resolved.getKind())
                ? Uni.createFrom().item(resolved)
                : Uni.createFrom().failure(Status.PERMISSION_DENIED
                        .withDescription("a " + kindName(resolved.getKind()) + " key may not " + action)
                        .asRuntimeException()));
    }

    private Uni<ResolveKeyResponse> resolve(String key) {
        if (key == null || key.isEmpty()) {
            return Uni.createFrom().failure(Status.UNAUTHENTICATED
                    .withDescription("send an API key as 'authorization: Bearer <key>' metadata").asRuntimeException());
        }
        Instant now = Instant.now();
        Cached cached = cache.get(key);
        if (cached != null && cached.until().isAfter(now)) {
            return Uni.createFrom().item(cached.key());
        }
        return auth.withDeadlineAfter(config.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .resolveKey(ResolveKeyRequest.newBuilder().setKey(key).build())
                .onFailure(StatusRuntimeException.class).transform(KeyAuthenticator::classify)
                .invoke(resolved -> {
                    if (cache.size() >= MAX_CACHED) {
                        cache.clear();
                    }
                    cache.put(key, new Cached(resolved, now.plus(config.keyCacheTtl())));
                });
    }

    private static String kindName(KeyKind kind) {
        return switch (kind) {
            case KEY_KIND_CLIENT -> "client";
            case KEY_KIND_SERVER -> "server";
            case KEY_KIND_ADMIN -> "admin";
            default -> "unknown";
        };
    }

    private static Throwable classify(Throwable failure) {
        Status.Code code = ((StatusRuntimeException) failure).getStatus().getCode();
        return switch (code) {
            case UNAUTHENTICATED, INVALID_ARGUMENT -> Status.UNAUTHENTICATED
                    .withDescription("the API key is unknown, revoked or expired").asRuntimeException();
            default -> Status.UNAVAILABLE.withDescription("could not check the API key: " + code)
                    .withCause(failure).asRuntimeException();
        };
    }
}
