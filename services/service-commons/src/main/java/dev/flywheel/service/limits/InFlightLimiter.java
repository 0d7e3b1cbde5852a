package dev.flywheel.service.limits;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Load shedding by bytes in flight: work that would push the total past the bound is refused at once (the caller
 * answers 429/RESOURCE_EXHAUSTED) instead of queueing until the heap runs out. One request alone is always
 * admitted, so a large but valid request cannot be refused forever.
 */
public final class InFlightLimiter {

    private final AtomicLong inFlight = new AtomicLong();
    private final long maxBytes;

    public InFlightLimiter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * On subscription, runs {@code work} if {@code bytes} more fit, releasing them when it ends however it ends
     * (an item, a failure, a cancellation); else fails with {@code refusal}. Nothing is held before subscription.
     */
    public <T> Uni<T> admit(long bytes, Supplier<Uni<T>> work, Supplier<? extends Throwable> refusal) {
        return Uni.createFrom().deferred(() -> {
            long now = inFlight.addAndGet(bytes);
            if (now > maxBytes && now != bytes) {
                inFlight.addAndGet(-bytes);
                return Uni.createFrom().<T>failure(refusal.get());
            }
            return Uni.createFrom().<T>deferred(() -> work.get()).onTermination()
                    .invoke(() -> inFlight.addAndGet(-bytes));
        });
    }

    public long inFlightBytes() {
        return inFlight.get();
    }
}
