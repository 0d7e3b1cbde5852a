package dev.flywheel.ingest;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventType;

/**
 * Reads one Segment HTTP API body (a single call or a batch) in one pass: the batch array is streamed so each
 * event's size is measured on the bytes as sent, oversize or invalid events are kept verbatim for the dead-letter
 * topic, and the rest become event envelopes. Thread-safe.
 */
public final class SegmentParser {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

    private final IngestLimits limits;
    private final EventNormaliser normaliser;

    public SegmentParser(IngestLimits limits) {
        this.limits = limits;
        this.normaliser = new EventNormaliser(limits);
    }

    /**
     * @param body
     *            the request body (already gunzipped)
     * @param call
     *            the path's call: track, identify, page, screen, group, alias (a single event), or batch/import
     * @throws MalformedInputException
     *             when the request as a whole is unusable
     */
    public ParsedBatch parse(byte[] body, String call, IngestRequestContext request) {
        if (body.length > limits.maxBatchBytes()) {
            throw new MalformedInputException("batch_too_large",
                    "body of " + body.length + " bytes exceeds " + limits.maxBatchBytes());
        }
        String normalisedCall = call.toLowerCase(Locale.ROOT);
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedInputException("not_an_object", "the body must be a JSON object");
            }
            ParsedBatch parsed;
            if ("batch".equals(normalisedCall) || "import".equals(normalisedCall)) {
                parsed = readBatch(parser, body, request);
            } else {
                EventType type = typeOf(normalisedCall);
                if (type == EventType.EVENT_TYPE_UNSPECIFIED) {
                    throw new MalformedInputException("unknown_call", "unknown call '" + call + "'");
                }
                JsonNode event = MAPPER.readTree(parser);
                parsed = convertAll(List.of(new Item(event, 0, body.length)), body, type, null, request);
            }
            if (parser.nextToken() != null) {
                throw new MalformedInputException("malformed_json", "unexpected content after the JSON object");
            }
            return parsed;
        } catch (JsonProcessingException e) {
            throw new MalformedInputException("malformed_json", "body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedInputException("malformed_json", "body is not valid JSON: " + e.getMessage());
        }
    }

    /** The top-level "writeKey" of a body, found without building the tree, for callers authenticating by it. */
    public static String findWriteKey(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("writeKey".equals(field) && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** An event's tree and where its bytes lie in the body. */
    private record Item(JsonNode node, long start, long end) {
    }

    private ParsedBatch readBatch(JsonParser parser, byte[] body, IngestRequestContext request) throws IOException {
        List<Item> items = null;
        JsonNode batchContext = null;
        JsonNode batchIntegrations = null;
        Instant batchSentAt = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "batch" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw new MalformedInputException("malformed_batch", "batch must be an array");
                    }
                    items = new ArrayList<>();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        if (items.size() == limits.maxBatchEvents()) {
                            throw new MalformedInputException("too_many_events",
                                    "a batch holds at most " + limits.maxBatchEvents() + " events");
                        }
                        long start = parser.currentTokenLocation().getByteOffset();
                        JsonNode node = MAPPER.readTree(parser);
                        items.add(new Item(node, start, parser.currentLocation().getByteOffset()));
                    }
                }
                case "context" -> batchContext = objectOrNull(MAPPER.readTree(parser));
                case "integrations" -> batchIntegrations = objectOrNull(MAPPER.readTree(parser));
                case "sentAt" -> {
                    try {
                        batchSentAt = Timestamps.read(MAPPER.readTree(parser), "sentAt");
                    } catch (InvalidEventException e) {
                        batchSentAt = null; // a bad batch-level sentAt only disables skew correction
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (items == null) {
            throw new MalformedInputException("malformed_batch", "a batch body needs a \"batch\" array");
        }
        BatchDefaults defaults = new BatchDefaults(batchContext, batchIntegrations, batchSentAt);
        return convertAll(items, body, EventType.EVENT_TYPE_UNSPECIFIED, defaults, request);
    }

    /** Top-level batch fields merged into each event; the event's own fields win. */
    private record BatchDefaults(JsonNode context, JsonNode integrations, Instant sentAt) {
    }

    private ParsedBatch convertAll(List<Item> items, byte[] body, EventType pathType, BatchDefaults defaults,
            IngestRequestContext request) {
        List<Event> events = new ArrayList<>(items.size());
        List<Rejection> rejections = new ArrayList<>();
        for (int index = 0; index < items.size(); index++) {
            Item item = items.get(index);
            try {
                if (item.end() - item.start() > limits.maxEventBytes()) {
                    throw new InvalidEventException("event_too_large", "event of " + (item.end() - item.start())
                            + " bytes exceeds " + limits.maxEventBytes());
                }
                if (!item.node().isObject()) {
                    throw new InvalidEventException("not_an_object", "each event must be a JSON object");
                }
                events.add(convert((ObjectNode) item.node(), pathType, defaults, request));
            } catch (InvalidEventException e) {
                byte[] raw = Arrays.copyOfRange(body, (int) item.start(), (int) item.end());
                rejections.add(new Rejection(index, e.reason(), e.getMessage(), raw));
            }
        }
        return new ParsedBatch(events, rejections);
    }

    private Event convert(ObjectNode node, EventType pathType, BatchDefaults defaults, IngestRequestContext request) {
        EventType type = pathType;
        if (type == EventType.EVENT_TYPE_UNSPECIFIED) {
            JsonNode typeNode = node.get("type");
            type = typeNode != null && typeNode.isTextual()
                    ? typeOf(typeNode.textValue().toLowerCase(Locale.ROOT))
                    : EventType.EVENT_TYPE_UNSPECIFIED;
            if (type == EventType.EVENT_TYPE_UNSPECIFIED) {
                throw new InvalidEventException("invalid_type",
                        "type must be track, identify, page, screen, group or alias");
            }
        }
        Event.Builder draft = Event.newBuilder()
                .setType(type)
                .setUserId(id(node, "userId"))
                .setAnonymousId(id(node, "anonymousId"))
                .setGroupId(id(node, "groupId"))
                .setPreviousId(id(node, "previousId"))
                .setMessageId(id(node, "messageId"))
                .setName(text(node, type == EventType.EVENT_TYPE_TRACK ? "event" : "name"));
        JsonNode properties = object(node, "properties");
        if (properties != null) {
            draft.setProperties(JsonStructs.toStruct(properties));
        }
        JsonNode traits = object(node, "traits");
        if (traits != null) {
            draft.setTraits(JsonStructs.toStruct(traits));
        }
        ObjectNode context = (ObjectNode) object(node, "context");
        if (defaults != null && defaults.context() != null) {
            context = merged(context, defaults.context());
        }
        boolean direct = false;
        if (context != null) {
            JsonNode directNode = context.get("direct");
            direct = directNode != null && directNode.asBoolean(false);
            draft.setContext(JsonStructs.toStruct(context));
        }
        JsonNode integrations = object(node, "integrations");
        if (defaults != null && defaults.integrations() != null) {
            integrations = merged((ObjectNode) integrations, defaults.integrations());
        }
        if (integrations != null) {
            draft.setIntegrations(JsonStructs.toStruct(integrations));
        }
        Instant original = Timestamps.read(node.get("originalTimestamp"), "originalTimestamp");
        if (original == null) {
            original = Timestamps.read(node.get("timestamp"), "timestamp");
        }
        Instant sentAt = Timestamps.read(node.get("sentAt"), "sentAt");
        if (sentAt == null && defaults != null) {
            sentAt = defaults.sentAt();
        }
        return normaliser.normalise(draft, original, sentAt, direct, request);
    }

    static EventType typeOf(String call) {
        return switch (call) {
            case "track", "t" -> EventType.EVENT_TYPE_TRACK;
            case "identify", "i" -> EventType.EVENT_TYPE_IDENTIFY;
            case "page", "p" -> EventType.EVENT_TYPE_PAGE;
            case "screen", "s" -> EventType.EVENT_TYPE_SCREEN;
            case "group", "g" -> EventType.EVENT_TYPE_GROUP;
            case "alias", "a" -> EventType.EVENT_TYPE_ALIAS;
            default -> EventType.EVENT_TYPE_UNSPECIFIED;
        };
    }

    private static String id(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        throw new InvalidEventException("invalid_field_type", field + " must be a string");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new InvalidEventException("invalid_field_type", field + " must be a string");
        }
        return value.textValue();
    }

    private static JsonNode object(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidEventException("invalid_field_type", field + " must be an object");
        }
        return value;
    }

    private static JsonNode objectOrNull(JsonNode node) {
        return node != null && node.isObject() ? node : null;
    }

    private static ObjectNode merged(ObjectNode own, JsonNode defaults) {
        ObjectNode result = own == null ? MAPPER.createObjectNode() : own;
        Iterator<Map.Entry<String, JsonNode>> fields = defaults.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!result.has(field.getKey())) {
                result.set(field.getKey(), field.getValue());
            }
        }
        return result;
    }
}
