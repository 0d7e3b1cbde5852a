package dev.flywheel.surveys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Known answers from scipy (t interval, Welch's test) and the Wilson formula. */
class ScoresTest {

    static final long[] A = {2, 1, 1, 2, 3, 5, 6, 10, 12, 20, 18};
    static final long[] B = {1, 1, 0, 1, 2, 3, 4, 9, 14, 25, 30};

    @Test
    void npsWithItsInterval() {
        Scores.Score nps = Scores.nps(A, 0.05);
        assertEquals(80, nps.n());
        assertEquals(22.5, nps.value(), 1e-12);
        assertEquals(4.1097131303345495, nps.lower(), 1e-9);
        assertEquals(40.890286869665445, nps.upper(), 1e-9);
        Scores.Score one = Scores.nps(new long[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0.05);
        assertEquals(100, one.value());
        assertNull(one.lower());
        assertEquals(0, Scores.nps(new long[11], 0.05).n());
    }

    @Test
    void npsDifferenceBetweenGroups() {
        Scores.Comparison difference = Scores.npsDifference(A, B, 0.05);
        assertEquals(25.27777777777778, difference.difference(), 1e-9);
        assertEquals(0.036330811835877254, difference.pValue(), 1e-9);
        assertNotNull(Scores.npsDifference(A, new long[11], 0.05).noResult());
    }

    @Test
    void topBoxSharesWithWilsonIntervals() {
        // CSAT: 8 of 10 answered 4 or 5.
        Scores.Score csat = Scores.topShare(new long[]{0, 1, 0, 1, 3, 5}, 4, 0.05);
        assertEquals(0.8, csat.value(), 1e-12);
        assertEquals(0.49016247153664183, csat.lower(), 1e-9);
        assertEquals(0.9433178485456247, csat.upper(), 1e-9);
        Scores.Score none = Scores.topShare(new long[]{0, 20, 0, 0, 0, 0}, 4, 0.05);
        assertEquals(0, none.lower(), 1e-12);
        assertEquals(0.16112515805281938, none.upper(), 1e-9);
        // CES: 45 of 60 answered 5 to 7.
        long[] ces = {0, 3, 3, 4, 5, 15, 15, 15};
        assertEquals(0.75, Scores.topShare(ces, 5, 0.05).value(), 1e-12);
        assertEquals(0.6276792992295218, Scores.topShare(ces, 5, 0.05).lower(), 1e-9);
    }

    @Test
    void themesOfOpenText() {
        List<Themes.Theme> themes = Themes.top(List.of("The pricing is too high", "Pricing page confusing!",
                "Love it, but PRICING is high", "slow export", "Export is slow and the pricing is high", "ok"), 3);
        assertEquals("pricing", themes.get(0).phrase());
        assertEquals(4, themes.get(0).answers());
        assertEquals(4.0 / 6, themes.get(0).share(), 1e-12);
        assertEquals("high", themes.get(1).phrase());
        assertEquals(3, themes.get(1).answers());
        assertEquals(List.of("pricing", "high", "pricing high"), themes.stream().map(Themes.Theme::phrase).toList());
    }
}
