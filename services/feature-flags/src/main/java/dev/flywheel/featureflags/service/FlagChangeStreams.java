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

    private final Map<String, Set<MultiEmitter<? super FlagChanges>>> subscribers = new ConcurrentHashMap<>();
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
        subscribers.values().forEach(emitters -> emitters.forEach(emitter -> {
            emitter.emit(FlagChanges.SHUTDOWN);
            emitter.complete();
        }));
        subscribers.clear();
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

    public int subscriberCount() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    void publish(String key, FlagChanges changes) {
        Set<MultiEmitter<? super FlagChanges>> set = subscribers.get(key);
        if (set != null) {
            set.forEach(emitter -> emitter.emit(changes));
        }
    }

    private void broadcast(FlagChanges changes) {
        subscribers.values().forEach(set -> set.forEach(emitter -> emitter.emit(changes)));
    }
}
