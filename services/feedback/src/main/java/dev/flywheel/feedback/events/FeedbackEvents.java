package dev.flywheel.feedback.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.google.protobuf.Timestamp;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;
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
        Timestamp time = Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
        return Event.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setMessageId("feedback-" + UUID.randomUUID())
                .setScope(scope)
                .setType(EventType.EVENT_TYPE_TRACK)
                .setName(name)
                .setDistinctId(person.distinctId())
                .setUserId(person.userId())
                .setAnonymousId(person.anonymousId())
                .setProperties(ProtoValues.toStruct(properties))
                .setTimestamp(time)
                .setOriginalTimestamp(time)
                .setReceivedAt(time)
                .setSource(EventSource.EVENT_SOURCE_INTERNAL)
                .setLibrary("flywheel-feedback")
                .build();
    }
}
