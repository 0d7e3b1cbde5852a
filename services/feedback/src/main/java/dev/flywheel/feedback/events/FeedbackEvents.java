package dev.flywheel.feedback.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.events.EventTopicPublisher;
import dev.flywheel.service.grpc.ProtoValues;

/**
 * The events feedback sends into the event pipeline, so analytics can use them: {@code survey shown},
 * {@code survey dismissed}, {@code survey sent} and {@code feedback submitted}. Each has its own message id, so
 * sending one twice (the outbox relay after a lost acknowledgement) stores it once.
 */
public final class FeedbackEvents {

    public static final String SHOWN = "survey shown";
    public static final String DISMISSED = "survey dismissed";
    public static final String SENT = "survey sent";
    public static final String FEEDBACK = "feedback submitted";

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

    public static Event event(Scope scope, Person person, String name, Map<String, Object> properties, Instant at) {
        return EventTopicPublisher.internalTrack(scope, name, person.distinctId(), "feedback-" + UUID.randomUUID(),
                ProtoValues.toStruct(properties), at, "flywheel-feedback")
                .setUserId(person.userId())
                .setAnonymousId(person.anonymousId())
                .build();
    }
}
