package dev.flywheel.metrics.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.ExposureProperties;
import dev.flywheel.recordings.Heatmaps;
import dev.flywheel.service.events.PlatformEvents;
import dev.flywheel.service.grpc.ProtoValues;
import io.vertx.core.json.JsonObject;

/** An event as the store keeps it: the envelope's fields analytics reads, properties and context as JSON. */
public record StoredEvent(String projectId, String environment, String messageId, EventType type, String name,
        String distinctId, String userId, String anonymousId, String previousId, Instant at, Instant receivedAt,
        EventSource source, String properties, String context, String traits, Exposure exposure,
        Heatmap heatmap) {

    /** What an {@code $exposure} event says: this unit saw this variation of this experiment. */
    record Exposure(String experimentKey, String unitId, int variationIndex, String variationKey,
            double[] weights) {
    }

    /** A heatmap event's data: points (clicks, rage clicks, positions) or a scroll depth, on one page. */
    record Heatmap(String page, int viewportWidth, List<HeatmapPoint> points, int depth, int pageHeight) {
    }

    /**
     * kind 1 click, 2 rage click, 3 pointer position, 4 dead click; x a share of the viewport's width, y page pixels.
     */
    record HeatmapPoint(short kind, float x, int y, String selector) {
    }

    /** Longest event name (and id) the store indexes; PostgreSQL's B-tree entries are bounded (about 2.7 kB). */
    static final int MAX_NAME = 500;

    public static StoredEvent of(Event event) {
        return new StoredEvent(clean(event.getScope().getProjectId()), clean(event.getScope().getEnvironment()),
                clean(event.getMessageId()), event.getType(), clean(name(event)), clean(event.getDistinctId()),
                clean(event.getUserId()), clean(event.getAnonymousId()), clean(event.getPreviousId()),
                instant(event.getTimestamp()), instant(event.getReceivedAt()), event.getSource(),
                json(event.hasProperties() ? event.getProperties() : null),
                json(event.hasContext() ? event.getContext() : null),
                event.hasTraits() && event.getTraits().getFieldsCount() > 0 ? json(event.getTraits()) : null,
                exposure(event), heatmap(event));
    }

    /**
     * The heatmap data a browser's {@code $heatmap_click}, {@code $heatmap_move} or {@code $heatmap_scroll} event
     * carries, or null (also when it is not usable: no page URL, positions off the page).
     */
    private static Heatmap heatmap(Event event) {
        String name = event.getName();
        if (!name.startsWith("$heatmap_") || event.getSource() == EventSource.EVENT_SOURCE_INTERNAL
                || !event.hasProperties()) {
            return null;
        }
        Object url = event.hasContext() ? ProtoValues.toMap(event.getContext()).get("page") : null;
        String page = url instanceof Map<?, ?> pageContext && pageContext.get("url") instanceof String href
                ? Heatmaps.page(clean(href))
                : null;
        Map<String, Object> props = ProtoValues.toMap(event.getProperties());
        int width = whole(props.get("viewportWidth"));
        if (page == null || width < 1 || width > 20_000) {
            return null;
        }
        List<HeatmapPoint> points = new ArrayList<>();
        switch (name) {
            case "$heatmap_click" -> point(points, Boolean.TRUE.equals(props.get("dead"))
                    ? (short) 4
                    : Boolean.TRUE.equals(props.get("rage")) ? (short) 2 : (short) 1, props.get("x"), props.get("y"),
                    props.get("selector"));
            case "$heatmap_move" -> {
                if (props.get("points") instanceof List<?> list) {
                    for (Object item : list.subList(0, Math.min(list.size(), 200))) {
                        if (item instanceof List<?> xy && xy.size() == 2) {
                            point(points, (short) 3, xy.get(0), xy.get(1), null);
                        }
                    }
                }
            }
            case "$heatmap_scroll" -> {
                int depth = whole(props.get("depth"));
                int height = whole(props.get("pageHeight"));
                return depth < 0 || depth > 10_000_000
                        ? null
                        : new Heatmap(page, width, List.of(), depth, Math.max(0, Math.min(height, 10_000_000)));
            }
            default -> {
                return null;
            }
        }
        return points.isEmpty() ? null : new Heatmap(page, width, points, -1, 0);
    }

    private static void point(List<HeatmapPoint> points, short kind, Object x, Object y, Object selector) {
        if (x instanceof Number across && y instanceof Number down && across.doubleValue() >= 0
                && across.doubleValue() <= 1 && down.doubleValue() >= 0 && down.doubleValue() <= 10_000_000) {
            String element = selector instanceof String text && !text.isEmpty()
                    ? clean(text.length() > 500 ? text.substring(0, 500) : text)
                    : null;
            points.add(new HeatmapPoint(kind, across.floatValue(), (int) down.doubleValue(), element));
        }
    }

    private static int whole(Object value) {
        return value instanceof Number number
                ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
                        number.longValue()))
                : -1;
    }

    /**
     * The exposure an {@code $exposure} event carries, or null (also for one missing its fields): sent by the
     * assignment service, or reported by an SDK that assigned in-process (Flywheel's Java SDK, GrowthBook's SDKs'
     * tracking callback) with the same properties.
     */
    private static Exposure exposure(Event event) {
        ExposureProperties exposure = PlatformEvents.readReported(event, ExposureProperties.getDefaultInstance())
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
    public String unstorable() {
        return unstorable(projectId, environment, messageId, name, distinctId);
    }

    /** The same check on an envelope's fields, for stores that read nothing else of the event. */
    public static String unstorable(String projectId, String environment, String messageId, String name,
            String distinctId) {
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

    /** The stored type number as a word: track, page, screen, identify, ... ("unknown" for none known). */
    public static String typeName(int number) {
        EventType type = EventType.forNumber(number);
        return type == null || type == EventType.EVENT_TYPE_UNSPECIFIED || type == EventType.UNRECOGNIZED
                ? "unknown"
                : type.name().substring("EVENT_TYPE_".length()).toLowerCase(Locale.ROOT);
    }

    /** Unnamed identify, page, screen, group and alias calls get a $-name, so queries can still pick them. */
    public static String name(Event event) {
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
     * Track, page and screen calls are a person doing something; identify, alias, group, internal events and
     * exposures (an SDK's included) are not.
     */
    public boolean isActivity() {
        return source != EventSource.EVENT_SOURCE_INTERNAL && exposure == null && (type == EventType.EVENT_TYPE_TRACK
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
