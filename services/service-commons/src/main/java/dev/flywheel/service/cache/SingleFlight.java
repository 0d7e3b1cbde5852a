package dev.flywheel.service.cache;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

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
        return Uni.createFrom().completionStage(pending);
    }
}
