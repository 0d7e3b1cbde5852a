package dev.flywheel.metrics.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.ExposureProperties;
import dev.flywheel.service.events.PlatformEvents;
import dev.flywheel.service.grpc.ProtoValues;
import io.vertx.core.json.JsonObject;

/** An event as the store keeps it: the envelope's fields analytics reads, properties and context as JSON. */
record StoredEvent(String projectId, String environment, String messageId, EventType type, String name,
        String distinctId, String userId, String anonymousId, String previousId, Instant at, Instant receivedAt,
        EventSource source, String properties, String context, String traits, Exposure exposure) {

    /** What an {@code $exposure} event says: this unit saw this variation of this experiment. */
    record Exposure(String experimentKey, String unitId, int variationIndex, String variationKey,
            double[] weights) {
    }

    /** Longest event name (and id) the store indexes; PostgreSQL's B-tree entries are bounded (about 2.7 kB). */
    static final int MAX_NAME = 500;

    static StoredEvent of(Event event) {
        return new StoredEvent(clean(event.getScope().getProjectId()), clean(event.getScope().getEnvironment()),
                clean(event.getMessageId()), event.getType(), clean(name(event)), clean(event.getDistinctId()),
                clean(event.getUserId()), clean(event.getAnonymousId()), clean(event.getPreviousId()),
                instant(event.getTimestamp()), instant(event.getReceivedAt()), event.getSource(),
                json(event.hasProperties() ? event.getProperties() : null),
                json(event.hasContext() ? event.getContext() : null),
                event.hasTraits() && event.getTraits().getFieldsCount() > 0 ? json(event.getTraits()) : null,
                exposure(event));
    }

    /** The exposure an internal {@code $exposure} event carries, or null (also for one missing its fields). */
    private static Exposure exposure(Event event) {
        ExposureProperties exposure = PlatformEvents.read(event, ExposureProperties.getDefaultInstance())
                .orElse(null);
        if (exposure == null || exposure.getExperimentKey().isEmpty()) {
            return null;
        }
        String unitId = exposure.getHashValue().isEmpty() ? event.getDistinctId() : exposure.getHashValue();
        double[] weights = exposure.getVariationWeightsCount() == 0
                ? null
                : exposure.getVariationWeightsList().stream().mapToDouble(Double::doubleValue).toArray();
        return new Exposure(clean(exposure.getExperimentKey()), clean(unitId), exposure.getVariationIndex(),
                clean(exposure.getVariationKey()), weights);
    }

    /** Why the store cannot keep this event, or null when it can. */
    String unstorable() {
        if (projectId.isEmpty() || environment.isEmpty() || messageId.isEmpty() || distinctId.isEmpty()) {
            return "missing_scope_or_identity";
        }
        if (name.length() > MAX_NAME || distinctId.length() > MAX_NAME || messageId.length() > MAX_NAME
                || environment.length() > MAX_NAME) {
            return "name_or_id_too_long";
        }
        return null;
    }

    /** PostgreSQL text cannot hold NUL characters; nothing else is changed. */
    private static String clean(String text) {
        return text.indexOf('\u0000') < 0 ? text : text.replace("\u0000", "");
    }

    private static Object clean(Object value) {
        if (value instanceof String text) {
            return clean(text);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(clean(String.valueOf(k)), clean(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(StoredEvent::clean).toList();
        }
        return value;
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
        return ProtoValues.instant(t);
    }

    private static String json(com.google.protobuf.Struct struct) {
        if (struct == null) {
            return "{}";
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> cleaned = (Map<String, Object>) clean(ProtoValues.toMap(struct));
        return new JsonObject(cleaned).encode();
    }

    /**
     * Track, page and screen calls are a person doing something; identify, alias, group and internal events are not.
     */
    boolean isActivity() {
        return source != EventSource.EVENT_SOURCE_INTERNAL && (type == EventType.EVENT_TYPE_TRACK
                || type == EventType.EVENT_TYPE_PAGE || type == EventType.EVENT_TYPE_SCREEN);
    }

    /** Comes first by event time, then by message id: the order every "earliest wins" rule uses. */
    boolean precedes(StoredEvent other) {
        int byTime = at.compareTo(other.at);
        return byTime < 0 || byTime == 0 && messageId.compareTo(other.messageId) <= 0;
    }

    OffsetDateTime atUtc() {
        return at.atOffset(ZoneOffset.UTC);
    }
}
