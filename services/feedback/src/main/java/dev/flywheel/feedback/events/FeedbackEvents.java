package dev.flywheel.feedback.events;

import java.time.Instant;
import java.util.UUID;

import com.google.protobuf.Message;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.SurveyAnswer;
import dev.flywheel.service.events.PlatformEvents;
import dev.flywheel.surveys.Answer;

/**
 * The events feedback sends into the event pipeline, so analytics can use them: {@code survey shown},
 * {@code survey dismissed}, {@code survey sent} and {@code feedback submitted} (platform_events.proto). Each has its
 * own message id, so
 * sending one twice (the outbox relay after a lost acknowledgement) stores it once.
 */
public final class FeedbackEvents {

    private FeedbackEvents() {
    }

    /** The person an event is about: a user id, else the device's anonymous id. */
    public record Person(String userId, String anonymousId) {
        public String distinctId() {
            return userId.isEmpty() ? anonymousId : userId;
        }

        /** What "never twice" and the wait period count by. */
        public String key() {
            return userId.isEmpty() ? "a:" + anonymousId : "u:" + userId;
        }
    }

    /** One of the events of platform_events.proto, about {@code person}. */
    public static Event event(Scope scope, Person person, Message properties, Instant at) {
        return PlatformEvents.track(scope, properties, person.distinctId(), "feedback-" + UUID.randomUUID(), at,
                "flywheel-feedback")
                .setUserId(person.userId())
                .setAnonymousId(person.anonymousId())
                .build();
    }

    /** An answer as "survey sent" carries it: a score, a text, or choices with an optional "other". */
    public static SurveyAnswer answer(Answer answer) {
        SurveyAnswer.Builder out = SurveyAnswer.newBuilder().setQuestionId(answer.questionId());
        if (answer.score() != null) {
            return out.setScore(answer.score()).build();
        }
        if (answer.text() != null) {
            return out.setText(answer.text()).build();
        }
        out.addAllChoices(answer.choices());
        return answer.other() == null ? out.build() : out.setOther(answer.other()).build();
    }
}
