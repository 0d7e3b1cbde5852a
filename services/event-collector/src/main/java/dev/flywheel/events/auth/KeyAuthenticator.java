package dev.flywheel.events.auth;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.events.config.IngestConfig;
import dev.flywheel.events.service.IngestException;
import dev.flywheel.events.service.IngestFailure;
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
 * briefly so a stream of batches costs one lookup. Client and server keys may ingest.
 */
@ApplicationScoped
public class KeyAuthenticator {

    private static final int MAX_CACHED = 10_000;

    private final MutinyAuthServiceStub auth;
    private final IngestConfig config;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(ResolveKeyResponse key, Instant until) {
    }

    public KeyAuthenticator(@GrpcClient("gateway-auth") MutinyAuthServiceStub auth, IngestConfig config) {
        this.auth = auth;
        this.config = config;
    }

    public Uni<ResolveKeyResponse> authenticate(String key) {
        if (key == null || key.isEmpty()) {
            return Uni.createFrom().failure(new IngestException(IngestFailure.UNAUTHENTICATED,
                    "send an API key as 'authorization: Bearer <key>' metadata"));
        }
        Instant now = Instant.now();
        Cached cached = cache.get(key);
        if (cached != null && cached.until().isAfter(now)) {
            return Uni.createFrom().item(cached.key());
        }
        return auth.withDeadlineAfter(5, TimeUnit.SECONDS)
                .resolveKey(ResolveKeyRequest.newBuilder().setKey(key).build())
                .onFailure(StatusRuntimeException.class).transform(KeyAuthenticator::classify)
                .invoke(resolved -> {
                    if (cache.size() >= MAX_CACHED) {
                        cache.clear();
                    }
                    cache.put(key, new Cached(resolved, now.plus(config.keyCacheTtl())));
                })
                .flatMap(resolved -> resolved.getKind() == KeyKind.KEY_KIND_CLIENT
                        || resolved.getKind() == KeyKind.KEY_KIND_SERVER
                                ? Uni.createFrom().item(resolved)
                                : Uni.createFrom().failure(new IngestException(IngestFailure.PERMISSION_DENIED,
                                        "only client and server keys may send events")));
    }

    private static Throwable classify(Throwable failure) {
        Status.Code code = ((StatusRuntimeException) failure).getStatus().getCode();
        return switch (code) {
            case UNAUTHENTICATED, INVALID_ARGUMENT -> new IngestException(IngestFailure.UNAUTHENTICATED,
                    "the API key is unknown, revoked or expired");
            default -> new IngestException(IngestFailure.UNAVAILABLE, "could not check the API key: " + code,
                    failure);
        };
    }
}
