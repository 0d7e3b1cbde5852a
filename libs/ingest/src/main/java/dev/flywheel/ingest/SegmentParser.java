package dev.flywheel.ingest;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventType;

/**
 * Reads one Segment HTTP API body (a single call or a batch) in one streaming pass, straight into event envelopes:
 * each event's size is measured on the bytes as sent, and invalid events are kept verbatim for the dead-letter topic
 * while the rest of the batch goes on. Thread-safe.
 */
public final class SegmentParser {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

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
                RawEvent event = readEvent(parser, 0);
                event.end = body.length;
                parsed = convertAll(List.of(event), body, type, BatchDefaults.NONE, request);
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

    /** The top-level "writeKey" of a body, found without building anything, for callers authenticating by it. */
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

    /** Top-level batch fields merged into each event; the event's own fields win. */
    private record BatchDefaults(Struct context, Struct integrations, Instant sentAt) {
        static final BatchDefaults NONE = new BatchDefaults(null, null, null);
    }

    /** One event as read from the stream: the client's fields, or the first rule it broke while being read. */
    private static final class RawEvent {
        final long start;
        long end;
        InvalidEventException error;
        EventType type = EventType.EVENT_TYPE_UNSPECIFIED;
        boolean typeGiven;
        final Event.Builder draft = Event.newBuilder();
        String eventName = "";
        String pageName = "";
        boolean eventNameInvalid;
        boolean pageNameInvalid;
        Struct context;
        Struct integrations;
        Instant originalTimestamp;
        Instant timestamp;
        Instant sentAt;

        RawEvent(long start) {
            this.start = start;
        }

        void fail(String reason, String detail) {
            if (error == null) {
                error = new InvalidEventException(reason, detail);
            }
        }
    }

    private ParsedBatch readBatch(JsonParser parser, byte[] body, IngestRequestContext request) throws IOException {
        List<RawEvent> events = null;
        Struct context = null;
        Struct integrations = null;
        Instant sentAt = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "batch" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw new MalformedInputException("malformed_batch", "batch must be an array");
                    }
                    events = new ArrayList<>();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        if (events.size() == limits.maxBatchEvents()) {
                            throw new MalformedInputException("too_many_events",
                                    "a batch holds at most " + limits.maxBatchEvents() + " events");
                        }
                        RawEvent event = readEvent(parser, parser.currentTokenLocation().getByteOffset());
                        event.end = parser.currentLocation().getByteOffset();
                        events.add(event);
                    }
                }
                case "context" ->
                    context = value == JsonToken.START_OBJECT ? JsonStructs.readStruct(parser) : skip(parser);
                case "integrations" -> integrations = value == JsonToken.START_OBJECT
                        ? JsonStructs.readStruct(parser)
                        : skip(parser);
                case "sentAt" -> {
                    try {
                        sentAt = Timestamps.read(parser, "sentAt");
                    } catch (InvalidEventException e) {
                        sentAt = null; // a bad batch-level sentAt only disables skew correction
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (events == null) {
            throw new MalformedInputException("malformed_batch", "a batch body needs a \"batch\" array");
        }
        return convertAll(events, body, EventType.EVENT_TYPE_UNSPECIFIED,
                new BatchDefaults(context, integrations, sentAt), request);
    }

    private static Struct skip(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
    }

    /** Reads the value at the parser's position as one event, consuming it whole even when it is invalid. */
    private RawEvent readEvent(JsonParser parser, long start) throws IOException {
        RawEvent event = new RawEvent(start);
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            event.fail("not_an_object", "each event must be a JSON object");
            return event;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            try {
                readField(parser, field, event);
            } catch (InvalidEventException e) {
                event.fail(e.reason(), e.getMessage());
            }
        }
        return event;
    }

    private static void readField(JsonParser parser, String field, RawEvent event) throws IOException {
        Event.Builder draft = event.draft;
        switch (field) {
            case "type" -> {
                event.typeGiven = true;
                event.type = parser.currentToken() == JsonToken.VALUE_STRING
                        ? typeOf(parser.getText().toLowerCase(Locale.ROOT))
                        : EventType.EVENT_TYPE_UNSPECIFIED;
                parser.skipChildren();
            }
            case "userId" -> draft.setUserId(id(parser, field));
            case "anonymousId" -> draft.setAnonymousId(id(parser, field));
            case "groupId" -> draft.setGroupId(id(parser, field));
            case "previousId" -> draft.setPreviousId(id(parser, field));
            case "messageId" -> draft.setMessageId(id(parser, field));
            case "event" -> {
                event.eventNameInvalid = !isTextOrNull(parser);
                event.eventName = text(parser);
            }
            case "name" -> {
                event.pageNameInvalid = !isTextOrNull(parser);
                event.pageName = text(parser);
            }
            case "properties" -> {
                Struct properties = object(parser, field);
                if (properties != null) {
                    draft.setProperties(properties);
                }
            }
            case "traits" -> {
                Struct traits = object(parser, field);
                if (traits != null) {
                    draft.setTraits(traits);
                }
            }
            case "context" -> event.context = object(parser, field);
            case "integrations" -> event.integrations = object(parser, field);
            case "originalTimestamp" -> event.originalTimestamp = Timestamps.read(parser, field);
            case "timestamp" -> event.timestamp = Timestamps.read(parser, field);
            case "sentAt" -> event.sentAt = Timestamps.read(parser, field);
            default -> parser.skipChildren();
        }
    }

    private ParsedBatch convertAll(List<RawEvent> raw, byte[] body, EventType pathType, BatchDefaults defaults,
            IngestRequestContext request) {
        List<Event> events = new ArrayList<>(raw.size());
        List<Rejection> rejections = new ArrayList<>();
        for (int index = 0; index < raw.size(); index++) {
            RawEvent event = raw.get(index);
            try {
                events.add(convert(event, pathType, defaults, request));
            } catch (InvalidEventException e) {
                byte[] payload = Arrays.copyOfRange(body, (int) event.start, (int) event.end);
                rejections.add(new Rejection(index, e.reason(), e.getMessage(), payload));
            }
        }
        return new ParsedBatch(events, rejections);
    }

    private Event convert(RawEvent event, EventType pathType, BatchDefaults defaults, IngestRequestContext request) {
        if (event.end - event.start > limits.maxEventBytes()) {
            throw new InvalidEventException("event_too_large", "event of " + (event.end - event.start)
                    + " bytes exceeds " + limits.maxEventBytes());
        }
        if (event.error != null) {
            throw event.error;
        }
        EventType type = pathType != EventType.EVENT_TYPE_UNSPECIFIED ? pathType : event.type;
        if (type == EventType.EVENT_TYPE_UNSPECIFIED) {
            throw new InvalidEventException("invalid_type",
                    "type must be track, identify, page, screen, group or alias");
        }
        boolean track = type == EventType.EVENT_TYPE_TRACK;
        if (track ? event.eventNameInvalid : event.pageNameInvalid) {
            throw new InvalidEventException("invalid_field_type", (track ? "event" : "name") + " must be a string");
        }
        Event.Builder draft = event.draft.setType(type).setName(track ? event.eventName : event.pageName);
        Struct context = JsonStructs.merged(event.context, defaults.context());
        boolean direct = false;
        if (context != null) {
            direct = context.getFieldsOrDefault("direct", Value.getDefaultInstance()).getBoolValue();
            draft.setContext(context);
        }
        Struct integrations = JsonStructs.merged(event.integrations, defaults.integrations());
        if (integrations != null) {
            draft.setIntegrations(integrations);
        }
        Instant original = event.originalTimestamp != null ? event.originalTimestamp : event.timestamp;
        Instant sentAt = event.sentAt != null ? event.sentAt : defaults.sentAt();
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

    private static String id(JsonParser parser, String field) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> "";
            case VALUE_STRING, VALUE_NUMBER_INT -> parser.getText();
            default -> {
                parser.skipChildren();
                throw new InvalidEventException("invalid_field_type", field + " must be a string");
            }
        };
    }

    private static boolean isTextOrNull(JsonParser parser) {
        JsonToken token = parser.currentToken();
        return token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NULL;
    }

    private static String text(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return "";
    }

    private static Struct object(JsonParser parser, String field) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> JsonStructs.readStruct(parser);
            case VALUE_NULL -> null;
            default -> {
                parser.skipChildren();
                throw new InvalidEventException("invalid_field_type", field + " must be an object");
            }
        };
    }
}
