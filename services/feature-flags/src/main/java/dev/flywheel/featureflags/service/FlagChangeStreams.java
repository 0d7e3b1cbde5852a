package dev.flywheel.featureflags.service;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.flywheel.featureflags.config.FlagsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;

/** The open change streams per environment: each starts with READY, hears every change, and a periodic keep-alive. */
@ApplicationScoped
public class FlagChangeStreams {

    private static final int MAX_CONNECTIONS = 100_000;

    private final Map<String, Set<MultiEmitter<? super FlagChanges>>> subscribers = new ConcurrentHashMap<>();
    private final Map<String, Set<MultiEmitter<? super FlagChanges>>> byConnection = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> boundEnvironments = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final FlagsConfig config;

    public FlagChangeStreams(Vertx vertx, FlagsConfig config) {
        this.vertx = vertx;
        this.config = config;
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

    public Multi<FlagChanges> subscribe(String projectId, String environment) {
        String key = FlagSnapshots.key(projectId, environment);
        return Multi.createFrom().emitter(emitter -> {
            Set<MultiEmitter<? super FlagChanges>> set = subscribers.computeIfAbsent(key,
                    k -> ConcurrentHashMap.newKeySet());
            set.add(emitter);
            emitter.onTermination(() -> set.remove(emitter));
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
    public void bind(String connection, String projectId, String environment) {
        if (connection == null) {
            return;
        }
        String key = FlagSnapshots.key(projectId, environment);
        if (boundEnvironments.size() > MAX_CONNECTIONS) {
            boundEnvironments.clear();
        }
        if (boundEnvironments.computeIfAbsent(connection, k -> ConcurrentHashMap.newKeySet()).add(key)) {
            byConnection.getOrDefault(connection, Set.of()).forEach(emitter -> attach(key, emitter));
        }
    }

    private void attach(String key, MultiEmitter<? super FlagChanges> emitter) {
        subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(emitter);
    }

    void publish(String key, FlagChanges changes) {
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
