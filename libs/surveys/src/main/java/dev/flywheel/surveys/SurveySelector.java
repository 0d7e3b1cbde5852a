package dev.flywheel.surveys;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.flywheel.targeting.JsValues;
import dev.flywheel.targeting.MurmurHash3;

/** Decides which survey, if any, a person sees now, and why each other survey is not shown. */
public final class SurveySelector {

    /** Why a survey is or is not shown, in the order the checks run. */
    public enum Reason {
        SHOWN, NOT_STARTED, ENDED, ANSWERED, DISMISSED, NOT_DUE, WAIT_PERIOD, EVENT_NOT_TRIGGERED, URL_MISMATCH, DEVICE_MISMATCH, NOT_TARGETED, NOT_SAMPLED, ANOTHER_SURVEY_FIRST
    }

    /**
     * What the request says about the person and the moment. {@code personKey} identifies the person across
     * devices when known (the user id), else the device (the anonymous id). {@code attributes} is what the
     * targeting condition reads: person properties, {@code url}, {@code device}, {@code event}, {@code flags} and
     * {@code experiments} (key to variation).
     */
    public record Context(String personKey, String url, String device, String event,
            Map<String, Object> attributes) {
    }

    /** What the person did with one survey before. */
    public record Seen(Instant lastShownAt, Instant answeredAt, Instant dismissedAt) {
    }

    public record Selection(Survey survey, Map<String, Reason> reasons) {
    }

    private SurveySelector() {
    }

    /** The survey to show (highest priority first, then by key), or none; {@code seen} by survey key. */
    public static Selection select(List<Survey> surveys, Context context, Map<String, Seen> seen, Instant now) {
        Map<String, Reason> reasons = new LinkedHashMap<>();
        Survey chosen = null;
        List<Survey> ordered = surveys.stream()
                .sorted(Comparator.comparingInt(Survey::priority).reversed().thenComparing(Survey::key)).toList();
        for (Survey survey : ordered) {
            Reason reason = check(survey, context, seen, now);
            if (reason == Reason.SHOWN && chosen != null) {
                reason = Reason.ANOTHER_SURVEY_FIRST;
            }
            if (reason == Reason.SHOWN) {
                chosen = survey;
            }
            reasons.put(survey.key(), reason);
        }
        return new Selection(chosen, reasons);
    }

    static Reason check(Survey survey, Context context, Map<String, Seen> seen, Instant now) {
        if (survey.startAt() != null && now.isBefore(survey.startAt())) {
            return Reason.NOT_STARTED;
        }
        if (survey.endAt() != null && !now.isBefore(survey.endAt())) {
            return Reason.ENDED;
        }
        Seen own = seen.get(survey.key());
        if (own != null) {
            Instant closed = latest(own.answeredAt(), own.dismissedAt());
            if (closed != null) {
                if (survey.frequency().once()) {
                    return own.answeredAt() != null ? Reason.ANSWERED : Reason.DISMISSED;
                }
                if (now.isBefore(closed.plus(survey.frequency().every()))) {
                    return Reason.NOT_DUE;
                }
            }
        }
        // The wait period counts from the last time another survey was shown (a survey shown and not yet answered
        // may be shown again: the person may not have seen it, or may come back to finish it).
        if (!survey.waitPeriod().isZero()) {
            for (Map.Entry<String, Seen> other : seen.entrySet()) {
                Instant shown = other.getValue().lastShownAt();
                if (!other.getKey().equals(survey.key()) && shown != null
                        && now.isBefore(shown.plus(survey.waitPeriod()))) {
                    return Reason.WAIT_PERIOD;
                }
            }
        }
        Survey.Targeting targeting = survey.targeting();
        if (targeting.events() != null && (context.event() == null || !targeting.events().contains(context.event()))) {
            return Reason.EVENT_NOT_TRIGGERED;
        }
        if (targeting.url() != null && !targeting.url().matches(context.url())) {
            return Reason.URL_MISMATCH;
        }
        if (targeting.devices() != null && (context.device() == null
                || !targeting.devices().contains(context.device()))) {
            return Reason.DEVICE_MISMATCH;
        }
        if (targeting.condition() != null && !JsValues.truthy(targeting.condition().evaluate(context.attributes()))) {
            return Reason.NOT_TARGETED;
        }
        if (targeting.sampling() < 1 && !sampled(survey.key(), context.personKey(), targeting.sampling())) {
            return Reason.NOT_SAMPLED;
        }
        return Reason.SHOWN;
    }

    /** Whether the person falls in the survey's sample: stable per person and survey, independent across surveys. */
    public static boolean sampled(String surveyKey, String personKey, double sampling) {
        long hash = MurmurHash3.unsignedHash(surveyKey + ":" + personKey);
        return (hash % 10_000) / 10_000.0 < sampling;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
