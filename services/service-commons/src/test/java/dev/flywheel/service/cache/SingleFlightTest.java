package dev.flywheel.service.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

class SingleFlightTest {

    @Test
    void concurrentCallersShareOneLoadAndALaterCallLoadsAgain() {
        SingleFlight<String, Integer> flight = new SingleFlight<>();
        AtomicInteger loads = new AtomicInteger();
        UnicastProcessor<Integer> result = UnicastProcessor.create();
        UniAssertSubscriber<Integer> first = flight.run("k", () -> {
            loads.incrementAndGet();
            return result.toUni();
        }).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> second = flight.run("k", () -> {
            loads.incrementAndGet();
            return Uni.createFrom().item(-1);
        }).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertEquals(1, loads.get(), "the second caller waits for the first load");
        result.onNext(7);
        first.assertItem(7);
        second.assertItem(7);
        assertEquals(8, flight.run("k", () -> {
            loads.incrementAndGet();
            return Uni.createFrom().item(8);
        }).await().indefinitely());
        assertEquals(2, loads.get(), "a finished load is not remembered");
    }

    @Test
    void otherKeysLoadApartAndAFailureReachesEveryWaiterThenClears() {
        SingleFlight<String, Integer> flight = new SingleFlight<>();
        assertEquals(1, flight.run("a", () -> Uni.createFrom().item(1)).await().indefinitely());
        assertEquals(2, flight.run("b", () -> Uni.createFrom().item(2)).await().indefinitely());
        assertThrows(IllegalStateException.class, () -> flight
                .run("a", () -> Uni.createFrom().failure(new IllegalStateException("down"))).await().indefinitely());
        assertEquals(3, flight.run("a", () -> Uni.createFrom().item(3)).await().indefinitely());
    }
}
