package dev.flywheel.analytics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * 100 new people, 39 retained. "Invite": people 0–9 three times (9 retained), 10–29 once (16 retained); "Browse":
 * people 40–79 once (4 retained); "Rare": person 99. Others retained: 30–43. Exact p-values (rational arithmetic)
 * and the intervals were computed independently; Newcombe's own examples check the interval.
 */
class ActivationDiscoveryTest {

    @Test
    void ranksActionsAndThresholdsByTheLowerBoundOfTheirLift() {
        ActivationDiscovery discovery = new ActivationDiscovery(new int[]{1, 3, 5});
        for (int person = 0; person < 100; person++) {
            Map<String, Integer> did = new HashMap<>();
            if (person < 30) {
                did.put("Invite", person < 10 ? 3 : 1);
            }
            if (person >= 40 && person < 80) {
                did.put("Browse", 1);
            }
            if (person == 99) {
                did.put("Rare", 7);
            }
            boolean retained = person < 9 || person >= 10 && person < 26 || person >= 30 && person < 44;
            discovery.addPerson(retained, did);
        }
        assertEquals(100, discovery.people());
        assertEquals(39, discovery.retained());
        List<ActivationDiscovery.Finding> findings = discovery.result(0.05, 5, 10);
        assertEquals(List.of("Invite 1", "Invite 3", "Browse 1"), findings.stream().map(f -> f.action() + " " + f
                .atLeast()).toList(), "rare actions and empty thresholds are not tested");

        ActivationDiscovery.Finding invite = findings.get(0);
        assertEquals(List.of(30L, 25L, 70L, 14L), List.of(invite.did(), invite.didRetained(), invite.others(), invite
                .othersRetained()));
        assertEquals(0.30, invite.coverage(), 1e-12);
        assertEquals(25.0 / 30, invite.retention(), 1e-12);
        assertEquals(0.2, invite.othersRetention(), 1e-12);
        assertEquals(0.6333333333333333, invite.lift(), 1e-12);
        assertEquals(0.43270145219116585, invite.lower(), 1e-9);
        assertEquals(0.7542747478249956, invite.upper(), 1e-9);
        assertEquals(3.2044610252481093e-09, invite.pValue(), 1e-20);
        assertEquals(3 * 3.2044610252481093e-09, invite.adjustedPValue(), 1e-20); // Holm over three tests
        assertTrue(invite.significant());

        ActivationDiscovery.Finding often = findings.get(1);
        assertEquals(List.of(10L, 9L, 90L, 30L), List.of(often.did(), often.didRetained(), often.others(), often
                .othersRetained()));
        assertEquals(0.24572756457656908, often.lower(), 1e-9);
        assertEquals(0.0007834965909840671, often.pValue(), 1e-15);
        assertEquals(0.0007834965909840671, often.adjustedPValue(), 1e-15); // the largest p: Holm's factor 1

        ActivationDiscovery.Finding browse = findings.get(2);
        assertEquals(-0.4833333333333334, browse.lift(), 1e-12);
        assertEquals(-0.6141468430937409, browse.lower(), 1e-9);
        assertEquals(-0.3018832789365376, browse.upper(), 1e-9);
        assertEquals(8.011757069980026e-07, browse.pValue(), 1e-17);
        assertEquals(2 * 8.011757069980026e-07, browse.adjustedPValue(), 1e-17);

        assertEquals(1, discovery.result(0.05, 5, 1).size(), "the limit keeps the best");
    }

    @Test
    void newcombesIntervalMatchesHisPublishedExamples() {
        // Newcombe (1998), Statistics in Medicine 17:873, table II, method 10
        double[] first = ActivationDiscovery.newcombe(56, 70, 48, 80, 0.05);
        assertArrayEquals(new double[]{0.2, 0.0524, 0.3339}, first, 5e-5);
        double[] second = ActivationDiscovery.newcombe(9, 10, 3, 10, 0.05);
        assertArrayEquals(new double[]{0.6, 0.1705, 0.8090}, second, 5e-5);
    }

    @Test
    void thresholdsMustBeAscendingCounts() {
        assertThrows(IllegalArgumentException.class, () -> new ActivationDiscovery(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new ActivationDiscovery(new int[]{0}));
        assertThrows(IllegalArgumentException.class, () -> new ActivationDiscovery(new int[]{3, 3}));
    }

    @Test
    void nobodyGivesNothing() {
        assertEquals(List.of(), new ActivationDiscovery(new int[]{1}).result(0.05, 1, 10));
    }
}
