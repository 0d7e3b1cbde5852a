package dev.flywheel.service.auth;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.auth.v1.MutinyAuthServiceGrpc.MutinyAuthServiceStub;
import dev.flywheel.proto.auth.v1.ResolveKeyRequest;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.service.cache.SingleFlight;
import dev.flywheel.service.grpc.PromptReconnect;
import dev.flywheel.service.grpc.ProtoValues;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;

/**
 * Checks a direct gRPC caller's key with the gateway's AuthService (one place owns keys), remembering answers
 * briefly so a stream of calls costs one lookup. A remembered key is dropped the moment its revocation is notified
 * ({@link KeyRevocations}, {@link NotifiedCache}), trusted for at most a second while notifications cannot reach
 * this replica, and refused from the instant it expires. Failures are gRPC statuses, ready for the caller's answer.
 */
@ApplicationScoped
public class KeyAuthenticator {

    private static final int MAX_CACHED = 10_000;

    private final MutinyAuthServiceStub auth;
    private final AuthConfig config;
    private final KeyRevocations revocations;
    private final NotifiedCache<String, ResolveKeyResponse> cache;
    private final SingleFlight<String, ResolveKeyResponse> lookups = new SingleFlight<>();

    public KeyAuthenticator(@GrpcClient("gateway-auth") MutinyAuthServiceStub auth, AuthConfig config,
            KeyRevocations revocations) {
        this.auth = auth;
        this.config = config;
        this.revocations = revocations;
        this.cache = new NotifiedCache<>(MAX_CACHED, revocations::listening);
        revocations.onRevoked(keyId -> cache.forget(key -> key.getKeyId().equals(keyId)));
        revocations.onReset(cache::forgetAll);
    }

    /** Who an audit entry names for a change made with this key. */
    public static String actor(ResolveKeyResponse key) {
        return key.getActor().isEmpty() ? "key:" + key.getKeyId() : key.getActor();
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
        long now = System.nanoTime();
        NotifiedCache.Entry<ResolveKeyResponse> cached = cache.get(key);
        if (cached != null && cache.trusted(cached, now, config.keyCacheTtl())) {
            return expired(cached.value(), Instant.now()) ? refused() : Uni.createFrom().item(cached.value());
        }
        long lookupGeneration = cache.generation();
        return lookups.run(key, () -> reconnecting(auth)
                .withDeadlineAfter(config.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .resolveKey(ResolveKeyRequest.newBuilder().setKey(key).build())
                .onFailure(StatusRuntimeException.class).transform(KeyAuthenticator::classify)
                .invoke(resolved -> remember(key, resolved, now, lookupGeneration)))
                .flatMap(resolved -> expired(resolved, Instant.now()) || revocations.revoked(resolved.getKeyId())
                        ? refused()
                        : Uni.createFrom().item(resolved));
    }

    /** After the gateway was down a while, the first lookup that finds it back reconnects at once. */
    private static MutinyAuthServiceStub reconnecting(MutinyAuthServiceStub stub) {
        ClientInterceptor reconnect = PromptReconnect.of(stub.getChannel());
        return reconnect == null ? stub : stub.withInterceptors(reconnect);
    }

    private void remember(String key, ResolveKeyResponse resolved, long loadedAt, long lookupGeneration) {
        if (cache.remember(key, resolved, loadedAt, lookupGeneration) && revocations.revoked(resolved.getKeyId())) {
            cache.forget(key); // the answer was a stale copy of a key revoked a moment ago
        }
    }

    private static boolean expired(ResolveKeyResponse key, Instant now) {
        if (!key.hasExpiresAt()) {
            return false;
        }
        return !ProtoValues.instant(key.getExpiresAt()).isAfter(now);
    }

    private static Uni<ResolveKeyResponse> refused() {
        return Uni.createFrom().failure(Status.UNAUTHENTICATED
                .withDescription("the API key is unknown, revoked or expired").asRuntimeException());
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
