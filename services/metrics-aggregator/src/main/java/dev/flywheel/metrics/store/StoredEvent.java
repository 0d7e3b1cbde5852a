package dev.flywheel.metrics.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.service.grpc.ProtoValues;
import io.vertx.core.json.JsonObject;

/** An event as the store keeps it: the envelope's fields analytics reads, properties and context as JSON. */
record StoredEvent(String projectId, String environment, String messageId, EventType type, String name,
        String distinctId, String userId, String anonymousId, String previousId, Instant at, Instant receivedAt,
        EventSource source, String properties, String context, String traits) {

    static StoredEvent of(Event event) {
        return new StoredEvent(event.getScope().getProjectId(), event.getScope().getEnvironment(),
                event.getMessageId(), event.getType(), name(event), event.getDistinctId(), event.getUserId(),
                event.getAnonymousId(), event.getPreviousId(), instant(event.getTimestamp()),
                instant(event.getReceivedAt()), event.getSource(),
                json(event.hasProperties() ? event.getProperties() : null),
                json(event.hasContext() ? event.getContext() : null),
                event.hasTraits() && event.getTraits().getFieldsCount() > 0 ? json(event.getTraits()) : null);
    }

    /** Unnamed identify, page, screen, group and alias calls get a $-name, so queries can still pick them. */
    private static String name(Event event) {
        if (!event.getName().isEmpty()) {
            return event.getName();
        }
        String type = event.getType().name().substring("EVENT_TYPE_".length()).toLowerCase(Locale.ROOT);
        return "$" + type;
    }

    private static Instant instant(com.google.protobuf.Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static String json(com.google.protobuf.Struct struct) {
        return struct == null ? "{}" : new JsonObject(ProtoValues.toMap(struct)).encode();
    }

    /**
     * Track, page and screen calls are a person doing something; identify, alias, group and internal events are not.
     */
    boolean isActivity() {
        return source != EventSource.EVENT_SOURCE_INTERNAL && (type == EventType.EVENT_TYPE_TRACK
                || type == EventType.EVENT_TYPE_PAGE || type == EventType.EVENT_TYPE_SCREEN);
    }

    OffsetDateTime atUtc() {
        return at.atOffset(ZoneOffset.UTC);
    }
}
