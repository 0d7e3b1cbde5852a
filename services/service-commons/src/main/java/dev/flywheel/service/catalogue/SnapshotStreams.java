package dev.flywheel.service.catalogue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.flywheel.service.auth.KeyRevocations;
import io.grpc.Status;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * Streams of one environment's snapshots, for SDKs that evaluate in-process: each opened with a key, sent the
 * current snapshot and then every newer one, failed UNAUTHENTICATED the moment its key is revoked, and completed
 * when the service stops.
 */
public final class SnapshotStreams<S> {

    private final Map<EnvironmentKey, Set<MultiEmitter<? super S>>> byEnvironment = new ConcurrentHashMap<>();
    private final Map<String, Set<MultiEmitter<? super S>>> byKeyId = new ConcurrentHashMap<>();
    private final Function<S, SnapshotRegistry.Version> version;

    public SnapshotStreams(KeyRevocations revocations, Function<S, SnapshotRegistry.Version> version) {
        this.version = version;
        revocations.onRevoked(this::revoked);
    }

    /**
     * The environment's snapshots as seen with the key {@code keyId}: {@code current} first, then each newer one
     * published. Subscribed before {@code current} is read, so a change made meanwhile is not missed.
     */
    public Multi<S> watch(EnvironmentKey environment, String keyId, Uni<S> current) {
        Multi<S> changes = Multi.createFrom().emitter(emitter -> {
            Set<MultiEmitter<? super S>> listening = byEnvironment.computeIfAbsent(environment,
                    k -> ConcurrentHashMap.newKeySet());
            Set<MultiEmitter<? super S>> ofKey = byKeyId.computeIfAbsent(keyId, k -> ConcurrentHashMap.newKeySet());
            listening.add(emitter);
            ofKey.add(emitter);
            emitter.onTermination(() -> {
                listening.remove(emitter);
                ofKey.remove(emitter);
            });
        });
        AtomicReference<SnapshotRegistry.Version> sent = new AtomicReference<>();
        // merged emissions are serialised: a plain compare-then-set is enough
        return Multi.createBy().merging().streams(changes, current.toMulti())
                .select().where(snapshot -> {
                    SnapshotRegistry.Version at = version.apply(snapshot);
                    SnapshotRegistry.Version before = sent.get();
                    if (before != null && before.atLeast(at)) {
                        return false;
                    }
                    sent.set(at);
                    return true;
                });
    }

    /** Tells the environment's open streams of a newer snapshot. */
    public void publish(EnvironmentKey environment, S snapshot) {
        Set<MultiEmitter<? super S>> listening = byEnvironment.get(environment);
        if (listening != null) {
            listening.forEach(emitter -> emitter.emit(snapshot));
        }
    }

    /** Completes every stream (the service is stopping; clients reconnect elsewhere). */
    public void completeAll() {
        byEnvironment.values().forEach(set -> set.forEach(MultiEmitter::complete));
    }

    private void revoked(String keyId) {
        Set<MultiEmitter<? super S>> streams = byKeyId.remove(keyId);
        if (streams != null) {
            streams.forEach(emitter -> emitter.fail(Status.UNAUTHENTICATED
                    .withDescription("the API key was revoked").asRuntimeException()));
        }
    }
}
