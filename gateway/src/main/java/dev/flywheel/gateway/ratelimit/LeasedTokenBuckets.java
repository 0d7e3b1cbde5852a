package dev.flywheel.gateway.ratelimit;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One replica's share of cluster-wide token buckets. Every token a request spends was first leased from the shared
 * bucket ({@link LeaseSource}, Redis), so all replicas together never admit more than the configured rate and burst;
 * a replica leases a few tokens at a time and spends them locally, so most requests cost an atomic decrement and no
 * network. A lease is small (a fiftieth of a second's worth), refilled before it runs out, and lapses after
 * {@link #LEASE_LIFETIME_NANOS} unspent, so an idle replica holds back little of the budget. A refusal is remembered
 * until the shared bucket can next grant a token: refused requests cost nothing either.
 */
public final class LeasedTokenBuckets {

    /** The shared bucket: grants up to {@code wanted} tokens now; with none, says how long until one. */
    public interface LeaseSource {
        CompletionStage<Lease> lease(String bucket, int perSecond, int burst, int wanted);
    }

    /** Tokens granted by the shared bucket; when {@code granted} is 0, the wait until one is, in microseconds. */
    public record Lease(int granted, long retryAfterMicros) {
    }

    /** The outcome for one request; {@code retryAfterMicros} is 0 when allowed. */
    public record Decision(boolean allowed, long retryAfterMicros) {

        private static final long MICROS_PER_SECOND = 1_000_000L;
        static final Decision ALLOWED = new Decision(true, 0);

        /** Whole seconds to put in Retry-After: never 0, which clients read as "now". */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterMicros + MICROS_PER_SECOND - 1) / MICROS_PER_SECOND);
        }
    }

    static final long LEASE_LIFETIME_NANOS = 1_000_000_000L;
    /** A lease covers this fraction of a second of the key's rate: the most one replica holds back from the others. */
    private static final int LEASES_PER_SECOND = 50;
    private static final int MAX_BUCKETS = 100_000;
    /** Leases one request may wait for while others spend them, before it is refused. */
    private static final int MAX_ATTEMPTS = 8;

    private final LeaseSource source;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public LeasedTokenBuckets(LeaseSource source, LongSupplier nanoClock) {
        this.source = source;
        this.nanoClock = nanoClock;
    }

    /** How many tokens one lease asks for: at least one, at most the burst. */
    static int leaseSize(int perSecond, int burst) {
        int size = (perSecond + LEASES_PER_SECOND - 1) / LEASES_PER_SECOND;
        return Math.max(1, Math.min(Math.max(1, burst), size));
    }

    /** Admits or refuses one request of {@code bucket}; completes at once unless a lease must be fetched first. */
    public CompletionStage<Decision> acquire(String bucket, int perSecond, int burst) {
        Bucket state = buckets.get(bucket);
        if (state == null) {
            if (buckets.size() >= MAX_BUCKETS) {
                // Many one-off keys: their leases are small, and forgetting them only costs a fresh lease each.
                buckets.clear();
            }
            state = buckets.computeIfAbsent(bucket, ignored -> new Bucket());
        }
        return state.acquire(bucket, Math.max(1, perSecond), Math.max(1, burst), MAX_ATTEMPTS);
    }

    private final class Bucket {
        private final AtomicLong tokens = new AtomicLong();
        /** Requests waiting for a lease: the next lease asks for enough for all of them (up to the burst). */
        private final AtomicInteger waiting = new AtomicInteger();
        private volatile long leaseExpiresAt;
        private volatile long refusedUntil;
        private CompletableFuture<Lease> pending;

        CompletionStage<Decision> acquire(String name, int perSecond, int burst, int attempts) {
            long now = nanoClock.getAsLong();
            if (now - refusedUntil < 0) {
                return CompletableFuture.completedFuture(new Decision(false, (refusedUntil - now) / 1000));
            }
            int size = leaseSize(perSecond, burst);
            if (spend(now, size, name, perSecond, burst)) {
                return CompletableFuture.completedFuture(Decision.ALLOWED);
            }
            waiting.incrementAndGet();
            return fetch(name, perSecond, burst, size).whenComplete((lease, failure) -> waiting.decrementAndGet())
                    .thenCompose(lease -> {
                        if (spend(nanoClock.getAsLong(), size, name, perSecond, burst)) {
                            return CompletableFuture.completedFuture(Decision.ALLOWED);
                        }
                        if (lease.granted() > 0 && attempts > 1) {
                            // others waiting on the same lease spent it first: the shared bucket may well have more
                            return acquire(name, perSecond, burst, attempts - 1);
                        }
                        return CompletableFuture
                                .completedFuture(new Decision(false, Math.max(1, lease.retryAfterMicros())));
                    });
        }

        /** Takes one leased token if the lease is live; starts the next lease early when this one runs low. */
        private boolean spend(long now, int size, String name, int perSecond, int burst) {
            if (now - leaseExpiresAt >= 0) {
                tokens.set(0);
                return false;
            }
            long left = tokens.decrementAndGet();
            if (left < 0) {
                tokens.incrementAndGet();
                return false;
            }
            if (left == size / 2) {
                fetch(name, perSecond, burst, size);
            }
            return true;
        }

        /** One lease at a time per bucket: concurrent requests share the one under way. */
        private synchronized CompletableFuture<Lease> fetch(String name, int perSecond, int burst, int size) {
            if (pending != null) {
                return pending;
            }
            CompletableFuture<Lease> lease = new CompletableFuture<>();
            pending = lease;
            int wanted = Math.min(burst, Math.max(size, waiting.get()));
            source.lease(name, perSecond, burst, wanted).whenComplete((granted, failure) -> {
                synchronized (this) {
                    pending = null;
                }
                if (failure != null) {
                    lease.completeExceptionally(failure);
                    return;
                }
                long now = nanoClock.getAsLong();
                if (granted.granted() > 0) {
                    if (now - leaseExpiresAt >= 0) {
                        tokens.set(0);
                    }
                    leaseExpiresAt = now + LEASE_LIFETIME_NANOS;
                    tokens.addAndGet(granted.granted());
                } else {
                    refusedUntil = now + Math.max(1, granted.retryAfterMicros()) * 1000;
                }
                lease.complete(granted);
            });
            return lease;
        }
    }
}
