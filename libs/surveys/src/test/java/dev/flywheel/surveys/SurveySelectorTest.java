package dev.flywheel.surveys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flywheel.surveys.SurveySelector.Context;
import dev.flywheel.surveys.SurveySelector.Reason;
import dev.flywheel.surveys.SurveySelector.Seen;

class SurveySelectorTest {

    static final Instant NOW = Instant.parse("2026-12-10T12:00:00Z");
    static final String QUESTION = "\"questions\": [{\"id\": \"s\", \"type\": \"csat\", \"text\": \"Happy?\"}]";

    static Survey survey(String key, String more) throws Exception {
        return SurveyDefinition.parse(key, "{" + QUESTION + (more.isEmpty() ? "" : ", " + more) + "}");
    }

    static Context person(String key, Map<String, Object> attributes) {
        return new Context(key, "https://app.example.com/billing", "desktop", null, attributes);
    }

    static Reason reason(Survey survey, Context context, Map<String, Seen> seen) {
        return SurveySelector.select(List.of(survey), context, seen, NOW).reasons().get(survey.key());
    }

    @Test
    void scheduleAndFrequency() throws Exception {
        Context ann = person("ann", Map.of());
        assertEquals(Reason.NOT_STARTED, reason(survey("s", "\"schedule\": {\"startAt\": \"2026-12-11T00:00:00Z\"}"),
                ann, Map.of()));
        assertEquals(Reason.ENDED, reason(survey("s", "\"schedule\": {\"endAt\": \"2026-12-10T12:00:00Z\"}"), ann,
                Map.of()));
        Survey once = survey("s", "");
        assertEquals(Reason.SHOWN, reason(once, ann, Map.of()));
        // Shown but neither answered nor dismissed: shown again (to finish it).
        assertEquals(Reason.SHOWN, reason(once, ann, Map.of("s", new Seen(NOW.minusSeconds(60), null, null))));
        // Never twice after an answer or a dismissal, however long ago.
        assertEquals(Reason.ANSWERED, reason(once, ann, Map.of("s", new Seen(NOW, NOW.minus(Duration.ofDays(900)),
                null))));
        assertEquals(Reason.DISMISSED, reason(once, ann, Map.of("s", new Seen(NOW, null, NOW.minusSeconds(1)))));
        Survey recurring = survey("s", "\"frequency\": {\"everyDays\": 90}");
        assertEquals(Reason.NOT_DUE, reason(recurring, ann, Map.of("s", new Seen(null,
                NOW.minus(Duration.ofDays(89)), null))));
        assertEquals(Reason.SHOWN, reason(recurring, ann, Map.of("s", new Seen(null,
                NOW.minus(Duration.ofDays(90)), null))));
        // The latest of answer and dismissal counts.
        assertEquals(Reason.NOT_DUE, reason(recurring, ann, Map.of("s", new Seen(null,
                NOW.minus(Duration.ofDays(200)), NOW.minus(Duration.ofDays(10))))));
    }

    @Test
    void waitPeriodAfterAnotherSurvey() throws Exception {
        Survey waiting = survey("s", "\"waitDays\": 14");
        Context ann = person("ann", Map.of());
        assertEquals(Reason.WAIT_PERIOD, reason(waiting, ann, Map.of("other", new Seen(NOW.minus(Duration.ofDays(13)),
                null, null))));
        assertEquals(Reason.SHOWN, reason(waiting, ann, Map.of("other", new Seen(NOW.minus(Duration.ofDays(14)),
                null, null))));
        // Its own earlier impression does not count against it.
        assertEquals(Reason.SHOWN, reason(waiting, ann, Map.of("s", new Seen(NOW.minusSeconds(5), null, null))));
    }

    @Test
    void targeting() throws Exception {
        Survey targeted = survey("s", """
                "targeting": {"condition": {"and": [{"==": [{"var": "plan"}, "pro"]},
                                                    {"==": [{"var": "flags.new-billing"}, "on"]},
                                                    {"==": [{"var": "experiments.checkout-flow"}, "treatment"]}]},
                              "url": {"match": "contains", "value": "/billing"}, "devices": ["desktop", "tablet"],
                              "events": ["Invoice Paid"]}""");
        Map<String, Object> attributes = new HashMap<>(Map.of("plan", "pro", "flags", Map.of("new-billing", "on"),
                "experiments", Map.of("checkout-flow", "treatment")));
        Context paid = new Context("ann", "https://app.example.com/billing/2026", "desktop", "Invoice Paid",
                attributes);
        assertEquals(Reason.SHOWN, reason(targeted, paid, Map.of()));
        assertEquals(Reason.EVENT_NOT_TRIGGERED, reason(targeted, new Context("ann", paid.url(), "desktop", null,
                attributes), Map.of()));
        assertEquals(Reason.URL_MISMATCH, reason(targeted, new Context("ann", "https://app.example.com/home",
                "desktop", "Invoice Paid", attributes), Map.of()));
        assertEquals(Reason.DEVICE_MISMATCH, reason(targeted, new Context("ann", paid.url(), "mobile",
                "Invoice Paid", attributes), Map.of()));
        attributes.put("experiments", Map.of("checkout-flow", "control"));
        assertEquals(Reason.NOT_TARGETED, reason(targeted, paid, Map.of()));
        Survey exact = survey("s", "\"targeting\": {\"url\": {\"match\": \"exact\", \"value\": \"https://a/b\"}}");
        assertEquals(Reason.URL_MISMATCH, reason(exact, new Context("ann", "https://a/b/c", null, null, Map.of()),
                Map.of()));
        assertEquals(Reason.SHOWN, reason(exact, new Context("ann", "https://a/b", null, null, Map.of()), Map.of()));
    }

    @Test
    void samplingIsStablePerPersonAndClose() throws Exception {
        Survey sampled = survey("s", "\"targeting\": {\"sampling\": 0.25}");
        int in = 0;
        for (int i = 0; i < 20_000; i++) {
            Context c = person("p" + i, Map.of());
            Reason first = reason(sampled, c, Map.of());
            assertEquals(first, reason(sampled, c, Map.of()));
            in += first == Reason.SHOWN ? 1 : 0;
        }
        // 25% of 20,000, within 4 standard deviations (sd = 61).
        assertTrue(Math.abs(in - 5000) < 245, "sampled " + in);
    }

    @Test
    void theHighestPrioritySurveyIsShownAndTheOthersSaySo() throws Exception {
        Survey low = survey("a-low", "");
        Survey high = survey("z-high", "\"priority\": 10");
        Survey excluded = survey("m-mobile", "\"targeting\": {\"devices\": [\"mobile\"]}, \"priority\": 20");
        SurveySelector.Selection selection = SurveySelector.select(List.of(low, high, excluded),
                person("ann", Map.of()), Map.of(), NOW);
        assertEquals("z-high", selection.survey().key());
        assertEquals(Reason.ANOTHER_SURVEY_FIRST, selection.reasons().get("a-low"));
        assertEquals(Reason.DEVICE_MISMATCH, selection.reasons().get("m-mobile"));
        assertNull(SurveySelector.select(List.of(), person("ann", Map.of()), Map.of(), NOW).survey());
    }
}
