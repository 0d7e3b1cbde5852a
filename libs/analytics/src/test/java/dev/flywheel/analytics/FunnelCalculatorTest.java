package dev.flywheel.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Hand-computed funnels. Times are minutes after T0; steps are A (0), B (1), C (2); X matches no step. */
class FunnelCalculatorTest {

    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    private static final int A = 1;
    private static final int B = 2;
    private static final int C = 4;

    private static FunnelEvent at(int minute, int steps) {
        return new FunnelEvent(T0.plusSeconds(minute * 60L).toEpochMilli(), steps, 0, null);
    }

    private static FunnelEvent excluded(int minute) {
        return new FunnelEvent(T0.plusSeconds(minute * 60L).toEpochMilli(), 0, 1, null);
    }

    private static FunnelEvent with(int minute, int steps, String breakdown) {
        return new FunnelEvent(T0.plusSeconds(minute * 60L).toEpochMilli(), steps, 0, breakdown);
    }

    private static FunnelSpec spec(FunnelOrder order, Duration window, List<FunnelSpec.Exclusion> exclusions,
            Instant now) {
        return new FunnelSpec(3, order, window, exclusions, T0, T0.plus(Duration.ofDays(7)), now);
    }

    private static FunnelSpec spec(FunnelOrder order) {
        return spec(order, Duration.ofHours(1), List.of(), T0.plus(Duration.ofDays(30)));
    }

    private static List<Long> counts(FunnelCalculator funnel) {
        return funnel.result().get(0).steps().stream().map(FunnelResult.Step::count).toList();
    }

    @Test
    void orderedFunnelCountsConversionsAndTimes() {
        FunnelCalculator funnel = new FunnelCalculator(spec(FunnelOrder.ORDERED));
        funnel.addPerson(List.of(at(0, A), at(10, B), at(30, C)));
        funnel.addPerson(List.of(at(0, A), at(20, B)));
        funnel.addPerson(List.of(at(5, A)));
        funnel.addPerson(List.of(at(1, B), at(2, C))); // never entered: no step A
        FunnelResult.Group group = funnel.result().get(0);
        assertEquals(List.of(3L, 2L, 1L), counts(funnel));
        FunnelResult.Step second = group.steps().get(1);
        assertEquals(2.0 / 3, second.conversionFromPrevious(), 1e-12);
        assertEquals(900.0, second.medianSecondsToConvert()); // 10 and 20 minutes
        assertEquals(900.0, second.meanSecondsToConvert());
        assertEquals(1, second.dropped());
        FunnelResult.Step third = group.steps().get(2);
        assertEquals(0.5, third.conversionFromPrevious(), 1e-12);
        assertEquals(1.0 / 3, third.conversionFromFirst(), 1e-12);
        assertEquals(1200.0, third.medianSecondsToConvert());
        assertNull(group.steps().get(0).medianSecondsToConvert());
    }

    @Test
    void otherEventsInBetweenBreakOnlyStrictFunnels() {
        List<FunnelEvent> person = List.of(at(0, A), at(1, 0), at(2, B), at(3, C));
        FunnelCalculator ordered = new FunnelCalculator(spec(FunnelOrder.ORDERED));
        ordered.addPerson(person);
        assertEquals(List.of(1L, 1L, 1L), counts(ordered));
        FunnelCalculator strict = new FunnelCalculator(spec(FunnelOrder.STRICT));
        strict.addPerson(person);
        assertEquals(List.of(1L, 0L, 0L), counts(strict));
        FunnelCalculator strictClean = new FunnelCalculator(spec(FunnelOrder.STRICT));
        strictClean.addPerson(List.of(at(0, A), at(1, 0), at(2, A), at(3, B), at(4, C)));
        assertEquals(List.of(1L, 1L, 1L), counts(strictClean));
    }

    @Test
    void unorderedFunnelsTakeStepsInAnyOrder() {
        FunnelCalculator ordered = new FunnelCalculator(spec(FunnelOrder.ORDERED));
        FunnelCalculator unordered = new FunnelCalculator(spec(FunnelOrder.UNORDERED));
        List<FunnelEvent> person = List.of(at(0, C), at(5, B), at(9, A));
        ordered.addPerson(person);
        unordered.addPerson(person);
        assertEquals(List.of(1L, 0L, 0L), counts(ordered));
        assertEquals(List.of(1L, 1L, 1L), counts(unordered));
        assertEquals(240.0, unordered.result().get(0).steps().get(2).medianSecondsToConvert());
    }

    @Test
    void equalTimestampsStillConvertInStepOrder() {
        FunnelCalculator funnel = new FunnelCalculator(spec(FunnelOrder.ORDERED));
        // Delivered out of order and all in the same millisecond.
        funnel.addPerson(List.of(at(7, C), at(7, B), at(7, A)));
        assertEquals(List.of(1L, 1L, 1L), counts(funnel));
        assertEquals(0.0, funnel.result().get(0).steps().get(2).medianSecondsToConvert());
    }

    @Test
    void oneEventMovesAPathOneStep() {
        FunnelSpec twoOfTheSame = new FunnelSpec(3, FunnelOrder.ORDERED, Duration.ofHours(1), List.of(), T0,
                T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(2)));
        FunnelCalculator funnel = new FunnelCalculator(twoOfTheSame);
        // Steps: A, A, B. One A event cannot be both step 0 and step 1.
        funnel.addPerson(List.of(at(0, A | B), at(5, C)));
        assertEquals(List.of(1L, 0L, 0L), counts(funnel));
        FunnelCalculator twice = new FunnelCalculator(twoOfTheSame);
        twice.addPerson(List.of(at(0, A | B), at(1, A | B), at(5, C)));
        assertEquals(List.of(1L, 1L, 1L), counts(twice));
    }

    @Test
    void theWindowSeparatesInProgressFromDropped() {
        Instant now = T0.plus(Duration.ofMinutes(90));
        FunnelCalculator funnel = new FunnelCalculator(spec(FunnelOrder.ORDERED, Duration.ofHours(1), List.of(),
                now));
        // B came after the window: dropped
        assertEquals(new FunnelCalculator.Reached(0, false), funnel.addPerson(List.of(at(0, A), at(61, B))));
        // window open until minute 100: in progress
        assertEquals(new FunnelCalculator.Reached(0, true), funnel.addPerson(List.of(at(40, A))));
        // window closed at minute 70: dropped
        assertEquals(new FunnelCalculator.Reached(0, false), funnel.addPerson(List.of(at(10, A))));
        assertEquals(null, funnel.addPerson(List.of(at(20, B))), "never entered");
        FunnelResult.Step second = funnel.result().get(0).steps().get(1);
        assertEquals(0, second.count());
        assertEquals(1, second.inProgress());
        assertEquals(2, second.dropped());
    }

    @Test
    void aLaterStartKeepsThePersonInProgress() {
        Instant now = T0.plus(Duration.ofMinutes(100));
        FunnelCalculator funnel = new FunnelCalculator(spec(FunnelOrder.ORDERED, Duration.ofHours(1), List.of(),
                now));
        funnel.addPerson(List.of(at(0, A), at(5, B), at(70, A), at(75, B)));
        FunnelResult.Step third = funnel.result().get(0).steps().get(2);
        assertEquals(1, third.inProgress());
        assertEquals(0, third.dropped());
    }

    @Test
    void anExcludedEventBetweenTheStepsRemovesThePath() {
        List<FunnelSpec.Exclusion> xBetweenAAndB = List.of(new FunnelSpec.Exclusion(0, 1));
        FunnelCalculator funnel = new FunnelCalculator(spec(FunnelOrder.ORDERED, Duration.ofHours(1),
                xBetweenAAndB, T0.plus(Duration.ofDays(30))));
        funnel.addPerson(List.of(at(0, A), excluded(1), at(2, B), at(3, C))); // removed
        funnel.addPerson(List.of(at(0, A), at(2, B), excluded(3), at(4, C))); // X after B: kept
        funnel.addPerson(List.of(at(0, A), excluded(1), at(2, A), at(3, B))); // a fresh path after X
        assertEquals(List.of(2L, 2L, 1L), counts(funnel));
        FunnelCalculator strict = new FunnelCalculator(spec(FunnelOrder.STRICT, Duration.ofHours(1),
                xBetweenAAndB, T0.plus(Duration.ofDays(30))));
        strict.addPerson(List.of(at(0, A), excluded(1), at(2, B)));
        assertTrue(strict.result().isEmpty());
    }

    @Test
    void onlyStepZeroEventsInsideTheRangeStartAPath() {
        FunnelSpec spec = new FunnelSpec(2, FunnelOrder.ORDERED, Duration.ofDays(14), List.of(),
                T0.plus(Duration.ofMinutes(10)), T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(30)));
        FunnelCalculator funnel = new FunnelCalculator(spec);
        funnel.addPerson(List.of(at(0, A), at(5, B))); // started before the range
        funnel.addPerson(List.of(at(20, A), at(25, B)));
        assertEquals(1, funnel.result().get(0).steps().get(0).count());
    }

    @Test
    void breakdownsAreFirstTouch() {
        FunnelCalculator funnel = new FunnelCalculator(spec(FunnelOrder.ORDERED));
        funnel.addPerson(List.of(with(0, A, "ads"), with(1, B, "email"), with(2, C, "email")));
        funnel.addPerson(List.of(with(0, A, "email"), with(1, B, "ads")));
        funnel.addPerson(List.of(with(0, A, "email")));
        List<FunnelResult.Group> groups = funnel.result();
        assertEquals("email", groups.get(0).breakdown());
        assertEquals(List.of(2L, 1L, 0L), groups.get(0).steps().stream().map(FunnelResult.Step::count).toList());
        assertEquals("ads", groups.get(1).breakdown());
        assertEquals(List.of(1L, 1L, 1L), groups.get(1).steps().stream().map(FunnelResult.Step::count).toList());
    }
}
