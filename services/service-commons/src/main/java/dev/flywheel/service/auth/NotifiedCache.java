package dev.flywheel.service.auth;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Answers about keys remembered in one replica until a notified change ({@link KeyRevocations}) says otherwise: the
 * gateway's key resolutions and the services' key checks. While notifications cannot reach the replica, what it
 * remembers is trusted for {@link #UNCONFIRMED_TTL} only (ADR 0008's bound). A load that was under way when a change
 * was heard is not remembered: its answer may predate the change.
 */
public final class NotifiedCache<K, V> {

    /** How long a remembered answer is trusted while changes might go unheard. */
    public static final Duration UNCONFIRMED_TTL = Duration.ofSeconds(1);

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    /** Bumped by every change heard. */
    private final AtomicLong generation = new AtomicLong();
    private final int maxEntries;
    /** Whether changes are being heard ({@link KeyRevocations#listening()}). */
    private final BooleanSupplier listening;

    /** A remembered answer and when it was loaded ({@link System#nanoTime()}). */
    public record Entry<V>(V value, long loadedAt) {
    }

    public NotifiedCache(int maxEntries, BooleanSupplier listening) {
        this.maxEntries = maxEntries;
        this.listening = listening;
    }

    /** The remembered entry, trusted or not (see {@link #trusted}). */
    public Entry<V> get(K key) {
        return entries.get(key);
    }

    public boolean contains(K key) {
        return entries.containsKey(key);
    }

    /** Whether an entry may answer: within {@code ttl} while changes are heard, else within a second. */
    public boolean trusted(Entry<V> entry, long now, Duration ttl) {
        Duration trustFor = listening.getAsBoolean() ? ttl : UNCONFIRMED_TTL;
        return now - entry.loadedAt() < trustFor.toNanos();
    }

    /** Taken before a load starts, handed to {@link #remember}. */
    public long generation() {
        return generation.get();
    }

    /** Remembers a loaded answer, unless a change was heard since {@code loadGeneration}; says whether it did. */
    public boolean remember(K key, V value, long loadedAt, long loadGeneration) {
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, loadedAt));
        if (generation.get() != loadGeneration) {
            entries.remove(key);
            return false;
        }
        return true;
    }

    public void forget(K key) {
        entries.remove(key);
    }

    /** Forgets the answers a change touches; loads under way are not remembered either. */
    public void forget(Predicate<V> touched) {
        generation.incrementAndGet();
        entries.values().removeIf(entry -> touched.test(entry.value()));
    }

    public void forgetAll() {
        generation.incrementAndGet();
        entries.clear();
    }
}
