package dev.flywheel.service.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.Cancellable;

class InFlightLimiterTest {

    private static final IllegalStateException FULL = new IllegalStateException("full");

    @Test
    void workThatFitsRunsAndReleasesItsBytesWhenItEnds() {
        InFlightLimiter limiter = new InFlightLimiter(100);
        assertEquals("done", limiter.admit(60, () -> Uni.createFrom().item("done"), () -> FULL).await().indefinitely());
        assertEquals(0, limiter.inFlightBytes());
        assertThrows(IllegalArgumentException.class, () -> limiter
                .admit(60, () -> Uni.createFrom().failure(new IllegalArgumentException()), () -> FULL)
                .await().indefinitely());
        assertEquals(0, limiter.inFlightBytes(), "a failure releases too");
    }

    @Test
    void workPastTheBoundIsRefusedAtOnceWhileOtherWorkHoldsBytes() {
        InFlightLimiter limiter = new InFlightLimiter(100);
        UniAssertSubscriber<Object> holding = limiter.admit(60, () -> Uni.createFrom().nothing(), () -> FULL)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        assertEquals(60, limiter.inFlightBytes());
        AtomicInteger ran = new AtomicInteger();
        UniAssertSubscriber<Object> refused = limiter.admit(41, () -> {
            ran.incrementAndGet();
            return Uni.createFrom().item("no");
        }, () -> FULL).subscribe().withSubscriber(UniAssertSubscriber.create());
        refused.assertFailedWith(IllegalStateException.class, "full");
        assertEquals(0, ran.get());
        assertEquals(60, limiter.inFlightBytes());
        assertEquals("fits", limiter.admit(40, () -> Uni.createFrom().item("fits"), () -> FULL)
                .await().indefinitely());
        holding.cancel();
        assertEquals(0, limiter.inFlightBytes(), "a cancellation releases");
    }

    @Test
    void oneRequestAloneIsAlwaysAdmittedHoweverLarge() {
        InFlightLimiter limiter = new InFlightLimiter(100);
        assertEquals("big", limiter.admit(1_000, () -> Uni.createFrom().item("big"), () -> FULL)
                .await().indefinitely());
    }

    @Test
    void nothingIsHeldBeforeSubscription() {
        InFlightLimiter limiter = new InFlightLimiter(100);
        Uni<String> notYet = limiter.admit(90, () -> Uni.createFrom().item("x"), () -> FULL);
        assertEquals(0, limiter.inFlightBytes());
        Cancellable ignored = notYet.subscribe().with(item -> {
        });
        assertEquals(0, limiter.inFlightBytes());
    }
}
