package dev.flywheel.metrics.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.flywheel.metrics.store.ExperimentArmsStore.Arm;
import dev.flywheel.metrics.store.ExperimentArmsStore.Split;

/** An experiment's health from its arms and the split asked for: shares and the sample-ratio check. */
class ExperimentHealthServiceTest {

    private static final Instant AS_OF = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void sharesAreAgainstTheSplitAskedFor() {
        var health = ExperimentHealthService.health("checkout",
                List.of(new Arm(0, "control", 5_000), new Arm(1, "treatment", 5_050)),
                new Split(List.of(50.0, 50.0), AS_OF));
        assertEquals(10_050, health.totalUnits());
        assertEquals(0.5, health.variations().get(1).expectedShare(), 1e-12);
        assertEquals(5_050 / 10_050.0, health.variations().get(1).observedShare(), 1e-12);
        assertFalse(health.srm().mismatch(), "a 1% wobble is chance");
        assertEquals(AS_OF, health.splitAsOf());
    }

    @Test
    void aBrokenSplitIsAMismatch() {
        var health = ExperimentHealthService.health("checkout",
                List.of(new Arm(0, "control", 5_000), new Arm(1, "treatment", 4_000)),
                new Split(List.of(1.0, 1.0), AS_OF));
        assertTrue(health.srm().mismatch());
        assertTrue(health.srm().pValue() < 0.001);
    }

    @Test
    void variationsWithoutUnitsOrWithoutASplitStillShow() {
        // the split names three variations; only the first two were exposed
        var health = ExperimentHealthService.health("checkout",
                List.of(new Arm(0, "a", 10), new Arm(1, "b", 10)), new Split(List.of(1.0, 1.0, 2.0), AS_OF));
        assertEquals(3, health.variations().size());
        assertEquals("", health.variations().get(2).key());
        assertEquals(0.5, health.variations().get(2).expectedShare(), 1e-12);
        // without a recorded split there is nothing to check against
        var unsplit = ExperimentHealthService.health("checkout", List.of(new Arm(0, "a", 10), new Arm(2, "c", 30)),
                null);
        assertEquals(3, unsplit.variations().size());
        assertFalse(unsplit.srm().mismatch());
        assertEquals(0, unsplit.variations().get(0).expectedShare());
        assertNull(unsplit.splitAsOf());
        assertNull(ExperimentHealthService.health("checkout", List.of(), null), "no exposures, no health");
    }
}
