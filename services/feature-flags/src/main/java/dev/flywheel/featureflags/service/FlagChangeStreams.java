package dev.flywheel.featureflags.service;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.flywheel.featureflags.config.FlagsConfig;
import dev.flywheel.service.auth.KeyRevocations;
import dev.flywheel.service.catalogue.EnvironmentKey;
import io.grpc.Status;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;

/**
 * The open change streams per environment: each starts with READY, hears every change, and a periodic keep-alive. A
 * stream opened with a key ends (UNAUTHENTICATED) when that key is revoked; an anonymous stream stops hearing the
 * environments that only a revoked key had proven for its connection.
 */
@ApplicationScoped
public class FlagChangeStreams {

    private static final int MAX_CONNECTIONS = 100_000;

    private final Map<EnvironmentKey, Set<MultiEmitter<? super FlagChanges>>> subscribers = new ConcurrentHashMap<>();
    private final Map<String, Set<MultiEmitter<? super FlagChanges>>> byConnection = new ConcurrentHashMap<>();
    private final Map<String, Set<EnvironmentKey>> boundEnvironments = new ConcurrentHashMap<>();
    private final Map<String, Set<MultiEmitter<? super FlagChanges>>> byKeyId = new ConcurrentHashMap<>();
    /** Which connection each key proved which environment for: (connection, environment) pairs per key id. */
    private final Map<String, Set<Map.Entry<String, EnvironmentKey>>> bindingsByKeyId = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final FlagsConfig config;

    public FlagChangeStreams(Vertx vertx, FlagsConfig config, KeyRevocations revocations) {
        this.vertx = vertx;
        this.config = config;
        revocations.onRevoked(this::revoked);
    }

    void start(@Observes StartupEvent ignored) {
        vertx.setPeriodic(config.keepAliveInterval().toMillis(), id -> broadcast(FlagChanges.KEEP_ALIVE));
    }

    void stop(@Observes ShutdownEvent ignored) {
        Set<MultiEmitter<? super FlagChanges>> all = ConcurrentHashMap.newKeySet();
        subscribers.values().forEach(all::addAll);
        byConnection.values().forEach(all::addAll);
        all.forEach(emitter -> {
            emitter.emit(FlagChanges.SHUTDOWN);
            emitter.complete();
        });
        subscribers.clear();
        byConnection.clear();
    }

    /** A stream of one environment's changes, opened with the key {@code keyId}. */
    public Multi<FlagChanges> subscribe(String projectId, String environment, String keyId) {
        EnvironmentKey key = new EnvironmentKey(projectId, environment);
        return Multi.createFrom().emitter(emitter -> {
            Set<MultiEmitter<? super FlagChanges>> set = subscribers.computeIfAbsent(key,
                    k -> ConcurrentHashMap.newKeySet());
            Set<MultiEmitter<? super FlagChanges>> ofKey = byKeyId.computeIfAbsent(keyId,
                    k -> ConcurrentHashMap.newKeySet());
            set.add(emitter);
            ofKey.add(emitter);
            emitter.onTermination(() -> {
                set.remove(emitter);
                ofKey.remove(emitter);
            });
            emitter.emit(FlagChanges.READY);
        });
    }

    /**
     * A stream opened without credentials (the Node.js flagd provider sends its selector on resolve calls only): it
     * hears READY and keep-alives, and the changes of every environment its connection has proven a key for.
     */
    public Multi<FlagChanges> subscribeConnection(String connection) {
        return Multi.createFrom().emitter(emitter -> {
            Set<MultiEmitter<? super FlagChanges>> pending = byConnection.computeIfAbsent(connection,
                    k -> ConcurrentHashMap.newKeySet());
            pending.add(emitter);
            emitter.onTermination(() -> {
                pending.remove(emitter);
                subscribers.values().forEach(set -> set.remove(emitter));
            });
            emitter.emit(FlagChanges.READY);
            boundEnvironments.getOrDefault(connection, Set.of()).forEach(key -> attach(key, emitter));
        });
    }

    /** Records that a connection presented a key of this environment; its anonymous streams now hear its changes. */
    public void bind(String connection, String keyId, String projectId, String environment) {
        if (connection == null) {
            return;
        }
        EnvironmentKey key = new EnvironmentKey(projectId, environment);
        if (boundEnvironments.size() > MAX_CONNECTIONS) {
            boundEnvironments.clear();
            bindingsByKeyId.clear();
        }
        bindingsByKeyId.computeIfAbsent(keyId, k -> ConcurrentHashMap.newKeySet()).add(Map.entry(connection, key));
        if (boundEnvironments.computeIfAbsent(connection, k -> ConcurrentHashMap.newKeySet()).add(key)) {
            byConnection.getOrDefault(connection, Set.of()).forEach(emitter -> attach(key, emitter));
        }
    }

    private void revoked(String keyId) {
        Set<MultiEmitter<? super FlagChanges>> streams = byKeyId.remove(keyId);
        if (streams != null) {
            streams.forEach(emitter -> emitter.fail(Status.UNAUTHENTICATED
                    .withDescription("the API key was revoked").asRuntimeException()));
        }
        Set<Map.Entry<String, EnvironmentKey>> bindings = bindingsByKeyId.remove(keyId);
        if (bindings != null) {
            bindings.forEach(binding -> {
                boundEnvironments.getOrDefault(binding.getKey(), Set.of()).remove(binding.getValue());
                Set<MultiEmitter<? super FlagChanges>> listening = subscribers.get(binding.getValue());
                if (listening != null) {
                    listening.removeAll(byConnection.getOrDefault(binding.getKey(), Set.of()));
                }
            });
        }
    }

    private void attach(EnvironmentKey key, MultiEmitter<? super FlagChanges> emitter) {
        subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(emitter);
    }

    void publish(EnvironmentKey key, FlagChanges changes) {
        Set<MultiEmitter<? super FlagChanges>> set = subscribers.get(key);
        if (set != null) {
            set.forEach(emitter -> emitter.emit(changes));
        }
    }

    private void broadcast(FlagChanges changes) {
        Set<MultiEmitter<? super FlagChanges>> all = ConcurrentHashMap.newKeySet();
        subscribers.values().forEach(all::addAll);
        byConnection.values().forEach(all::addAll);
        all.forEach(emitter -> emitter.emit(changes));
    }
}
