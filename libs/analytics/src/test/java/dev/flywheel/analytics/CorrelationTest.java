package dev.flywheel.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * 40 people, 20 converted. "Watched Demo": 13 converters and 2 who dropped; "Read Docs": 10 and 10; "Rare": 2
 * people. The p-values are exact (binomial coefficients, rational arithmetic) computed independently.
 */
class CorrelationTest {

    @Test
    void ranksCandidatesByAdjustedSignificanceWithOddsRatios() {
        Correlation correlation = new Correlation();
        for (int person = 0; person < 40; person++) {
            Set<String> did = new HashSet<>();
            if (person < 13 || person == 20 || person == 21) {
                did.add("Watched Demo");
            }
            if (person < 10 || person >= 20 && person < 30) {
                did.add("Read Docs");
            }
            if (person >= 38) {
                did.add("Rare");
            }
            correlation.addPerson(person < 20, did);
        }
        List<Correlation.Result> results = correlation.result(0.05, 5);
        assertEquals(List.of("Watched Demo", "Read Docs"), results.stream().map(Correlation.Result::candidate)
                .toList(), "the rare candidate is neither shown nor tested");
        Correlation.Result demo = results.get(0);
        assertEquals(List.of(13L, 2L, 7L, 18L), List.of(demo.outcomeWith(), demo.noOutcomeWith(), demo
                .outcomeWithout(), demo.noOutcomeWithout()));
        assertEquals(13.0 * 18 / (2 * 7), demo.oddsRatio(), 1e-12);
        assertEquals(0.0007716281353656215, demo.pValue(), 1e-15);
        assertEquals(2 * 0.0007716281353656215, demo.adjustedPValue(), 1e-15); // Holm over two candidates
        assertTrue(demo.significant() && demo.lower() > 1);
        Correlation.Result docs = results.get(1);
        assertEquals(1.0, docs.oddsRatio(), 1e-12);
        assertEquals(1.0, docs.pValue(), 1e-12);
        assertFalse(docs.significant());
        assertTrue(docs.lower() < 1 && docs.upper() > 1);
    }

    @Test
    void nobodyGivesNothingToTest() {
        assertEquals(List.of(), new Correlation().result(0.05, 1));
    }
}
