package dev.flywheel.service.cache;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs one load per key for concurrent callers: the first caller starts it, the others wait for the same outcome.
 * (A CompletableFuture, not a memoized Uni: Mutiny's memoize inside computeIfAbsent deadlocked under load.)
 */
public final class SingleFlight<K, V> {

    private final Map<K, CompletableFuture<V>> loading = new ConcurrentHashMap<>();

    public Uni<V> run(K key, Supplier<Uni<V>> load) {
        CompletableFuture<V> created = new CompletableFuture<>();
        CompletableFuture<V> pending = loading.putIfAbsent(key, created);
        if (pending == null) {
            pending = created;
            load.get().subscribe().with(value -> {
                loading.remove(key);
                created.complete(value);
            }, failure -> {
                loading.remove(key);
                created.completeExceptionally(failure);
            });
        }
        return onCallersContext(pending);
    }

    /**
     * An outcome shared by several requests, delivered to each on its own Vert.x context: a shared outcome completes
     * on the context of the request that started it, and a request that went on there would share that request's
     * database session (Hibernate Reactive's "Illegal pop()" under concurrent first uses of one key).
     */
    public static <V> Uni<V> onCallersContext(CompletionStage<V> shared) {
        Uni<V> outcome = Uni.createFrom().completionStage(shared);
        if (shared.toCompletableFuture().isDone()) {
            return outcome;
        }
        Context caller = Vertx.currentContext();
        return caller == null ? outcome : outcome.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }
}
