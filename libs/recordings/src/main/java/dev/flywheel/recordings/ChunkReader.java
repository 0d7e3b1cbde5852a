package dev.flywheel.recordings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads a chunk envelope as the browser SDK sends it — JSON, usually gzip-compressed:
 *
 * <pre>
 * {"sessionId": "…", "windowId": "…", "sequence": 0, "distinctId": "…",
 *  "context": {"flags": {"flag": "variant"}, "variations": {"experiment": "variation"}},
 *  "events": [ rrweb events: {"type": 4, "timestamp": 1700000000000, "data": {…}}, … ]}
 * </pre>
 *
 * and summarises it from the rrweb event types (2 full snapshot, 3 incremental, 4 meta, 6 plugin). Everything is
 * bounded: the compressed and decompressed sizes, the number of events, the identifiers' alphabet.
 */
public final class ChunkReader {

    /** rrweb event types and incremental sources the summary reads. */
    private static final int FULL_SNAPSHOT = 2;
    private static final int INCREMENTAL = 3;
    private static final int META = 4;
    private static final int PLUGIN = 6;
    private static final int SOURCE_MOUSE_MOVE = 1;
    private static final int SOURCE_MOUSE_INTERACTION = 2;
    private static final int SOURCE_SCROLL = 3;
    private static final int SOURCE_INPUT = 5;
    private static final int SOURCE_TOUCH_MOVE = 6;
    private static final int INTERACTION_CLICK = 2;

    /** Activity gaps longer than this are idle time. */
    static final long ACTIVE_GAP_MILLIS = 5_000;
    /** A rage click: this many clicks … */
    static final int RAGE_CLICKS = 3;
    /** … within this long of the first … */
    static final long RAGE_WINDOW_MILLIS = 1_000;
    /** … and this close to it (CSS pixels). */
    static final double RAGE_RADIUS = 30;
    /** Timestamps before 2001 or a day past the reader's clock are refused: a browser's clock, not a bug's. */
    private static final long EARLIEST = 978_307_200_000L;
    private static final long FUTURE_SLACK_MILLIS = 86_400_000L;
    private static final int MAX_CONTEXT_ENTRIES = 200;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(500).build());
    }

    private final RecordingLimits limits;

    public ChunkReader(RecordingLimits limits) {
        this.limits = limits;
    }

    /**
     * @param body
     *            the request body
     * @param gzip
     *            whether it is gzip-compressed
     * @param nowMillis
     *            the reader's clock, for the bound on future timestamps
     */
    public RecordingChunk read(byte[] body, boolean gzip, long nowMillis) {
        if (body.length == 0) {
            throw new InvalidChunkException("", "the chunk is empty");
        }
        if (body.length > limits.maxCompressedBytes()) {
            throw new InvalidChunkException("", "the chunk is larger than " + limits.maxCompressedBytes() + " bytes");
        }
        // One pass over the JSON, no tree: the events' bodies (snapshots, mutations) are skipped, not built
        Envelope envelope = new Envelope(nowMillis);
        // parsed as it is inflated: no copy of the decompressed bytes is ever held
        try (InputStream json = gzip
                ? new Bounded(new GZIPInputStream(new ByteArrayInputStream(body), 16384),
                        limits.maxDecompressedBytes())
                : new ByteArrayInputStream(bounded(body));
                JsonParser parser = JSON.getFactory().createParser(json)) {
            envelope.read(parser);
            // read to the end: what follows the object (within the bound) must be nothing but white space
            if (parser.nextToken() != null) {
                throw new InvalidChunkException("", "holds more than one JSON value");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidChunkException("", "is not valid JSON: " + e.getOriginalMessage());
        } catch (ZipException | java.io.EOFException e) {
            throw new InvalidChunkException("", "is not complete gzip data");
        } catch (IOException e) {
            throw new InvalidChunkException("", "cannot be read: " + e.getMessage());
        }
        String sessionId = RecordingIds.require("/sessionId", envelope.sessionId);
        String windowId = RecordingIds.require("/windowId", envelope.windowId);
        if (envelope.sequence == null || envelope.sequence < 0 || envelope.sequence > 10_000_000) {
            throw new InvalidChunkException("/sequence", "must be a whole number from 0 to 10000000");
        }
        String distinctId = envelope.distinctId;
        if (distinctId == null || distinctId.isBlank() || distinctId.length() > 200) {
            throw new InvalidChunkException("/distinctId", "must be 1 to 200 characters");
        }
        if (!envelope.eventsArray || envelope.events == 0) {
            throw new InvalidChunkException("/events", "must be a non-empty array of rrweb events");
        }
        if (envelope.events > limits.maxEvents()) {
            throw new InvalidChunkException("/events", "holds more than " + limits.maxEvents() + " events");
        }
        if (envelope.firstProblem != null) {
            throw envelope.firstProblem;
        }
        JsonNode context = envelope.context == null ? JSON.missingNode() : envelope.context;
        return new RecordingChunk(sessionId, windowId, envelope.sequence, distinctId, envelope.events,
                envelope.first, envelope.last, envelope.fullSnapshot, List.copyOf(envelope.pages),
                envelope.clicks.size(), rageClicks(envelope.clicks), envelope.consoleErrors,
                activeMillis(Arrays.copyOf(envelope.activity, envelope.activityCount)),
                strings(context.path("flags"), "/context/flags"), strings(context.path("variations"),
                        "/context/variations"));
    }

    /** A stream that refuses to give more than a bound: a gzip bomb stops at the bound, not at the heap's end. */
    private static final class Bounded extends java.io.FilterInputStream {
        private final int limit;
        private long count;

        Bounded(InputStream in, int limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) {
            count += n;
            if (count > limit) {
                throw new InvalidChunkException("", "the chunk decompresses to more than " + limit + " bytes");
            }
        }
    }

    /** Whether bytes are gzip data (its magic number). */
    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
    }

    /** The body's JSON bytes: decompressed when gzip, within the same bounds as {@link #read}. */
    public byte[] decompress(byte[] body, boolean gzip) {
        return gzip ? gunzip(body) : bounded(body);
    }

    /**
     * What one pass over a chunk gathers: the envelope's fields, and per event only what the summary reads. An
     * event's problem is kept (the first) and raised after the envelope's own checks, in the order a reader expects.
     */
    private final class Envelope {
        final long now;
        String sessionId;
        String windowId;
        Integer sequence;
        String distinctId;
        JsonNode context;
        boolean eventsArray;
        int events;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        boolean fullSnapshot;
        final Set<String> pages = new LinkedHashSet<>();
        final List<double[]> clicks = new ArrayList<>();
        int consoleErrors;
        long[] activity = new long[64];
        int activityCount;
        InvalidChunkException firstProblem;

        Envelope(long now) {
            this.now = now;
        }

        void read(JsonParser parser) throws IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidChunkException("", "must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "sessionId" -> sessionId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "windowId" -> windowId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "distinctId" -> distinctId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "sequence" -> sequence = value == JsonToken.VALUE_NUMBER_INT
                            && parser.getNumberType() == JsonParser.NumberType.INT ? parser.getIntValue() : null;
                    case "context" -> context = parser.readValueAsTree();
                    case "events" -> {
                        if (value == JsonToken.START_ARRAY) {
                            eventsArray = true;
                            while (parser.nextToken() != JsonToken.END_ARRAY) {
                                event(parser, events++);
                                if (events > limits.maxEvents()) {
                                    throw new InvalidChunkException("/events", "holds more than "
                                            + limits.maxEvents() + " events");
                                }
                            }
                        } else {
                            parser.skipChildren();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        }

        /** One event, the parser on its first token; what the summary needs is read, the rest skipped. */
        private void event(JsonParser parser, int index) throws IOException {
            String at = "/events/" + index;
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                problem(at + "/type", "each event needs a numeric type");
                return;
            }
            Integer type = null;
            Long timestamp = null;
            String href = null;
            int source = -1;
            int interaction = -1;
            double x = 0;
            double y = 0;
            String plugin = "";
            String level = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("type")) {
                    type = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : skipped(parser);
                } else if (field.equals("timestamp")) {
                    timestamp = value.isNumeric() ? Long.valueOf(parser.getLongValue()) : skipped(parser);
                } else if (field.equals("data") && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        JsonToken data = parser.nextToken();
                        if (data.isStructStart() && !name.equals("payload")) {
                            parser.skipChildren();
                            continue;
                        }
                        switch (name) {
                            case "href" -> href = data.isScalarValue() ? parser.getText() : null;
                            case "source" -> source = data == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : -1;
                            case "type" -> interaction = data == JsonToken.VALUE_NUMBER_INT
                                    ? parser.getIntValue()
                                    : -1;
                            case "x" -> x = data.isNumeric() ? parser.getDoubleValue() : 0;
                            case "y" -> y = data.isNumeric() ? parser.getDoubleValue() : 0;
                            case "plugin" -> plugin = data == JsonToken.VALUE_STRING ? parser.getText() : "";
                            case "payload" -> level = data == JsonToken.START_OBJECT ? level(parser) : skipped(parser);
                            default -> {
                                // a scalar the summary does not read
                            }
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (type == null) {
                problem(at + "/type", "each event needs a numeric type");
                return;
            }
            if (timestamp == null) {
                problem(at + "/timestamp", "each event needs a timestamp (epoch ms)");
                return;
            }
            if (timestamp < EARLIEST || timestamp > now + FUTURE_SLACK_MILLIS) {
                problem(at + "/timestamp", "is not a plausible epoch-millisecond time");
                return;
            }
            first = Math.min(first, timestamp);
            last = Math.max(last, timestamp);
            switch (type) {
                case FULL_SNAPSHOT -> fullSnapshot = true;
                case META -> {
                    if (href != null && !href.isEmpty() && pages.size() < 1_000) {
                        pages.add(href.length() > 2_000 ? href.substring(0, 2_000) : href);
                    }
                }
                case INCREMENTAL -> {
                    if (source == SOURCE_MOUSE_INTERACTION && interaction == INTERACTION_CLICK) {
                        clicks.add(new double[]{timestamp, x, y});
                    }
                    if (source == SOURCE_MOUSE_MOVE || source == SOURCE_MOUSE_INTERACTION || source == SOURCE_SCROLL
                            || source == SOURCE_INPUT || source == SOURCE_TOUCH_MOVE) {
                        if (activityCount == activity.length) {
                            activity = Arrays.copyOf(activity, activity.length * 2);
                        }
                        activity[activityCount++] = timestamp;
                    }
                }
                case PLUGIN -> {
                    if (plugin.startsWith("rrweb/console") && "error".equals(level)) {
                        consoleErrors++;
                    }
                }
                default -> {
                    // DOM content loaded, load and custom events count towards time only
                }
            }
        }

        /** Skips what the parser is on (a structure, or nothing for a scalar); null, as the value read. */
        private <T> T skipped(JsonParser parser) throws IOException {
            parser.skipChildren();
            return null;
        }

        /** A console plugin payload's level; the parser left on the payload's end. */
        private String level(JsonParser parser) throws IOException {
            String found = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("level") && value == JsonToken.VALUE_STRING) {
                    found = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            return found;
        }

        private void problem(String field, String message) {
            if (firstProblem == null) {
                firstProblem = new InvalidChunkException(field, message);
            }
        }
    }

    /** Clusters of at least three clicks within a second of and 30 px from the cluster's first click. */
    static int rageClicks(List<double[]> clicks) {
        clicks.sort((a, b) -> Double.compare(a[0], b[0]));
        int rages = 0;
        int i = 0;
        while (i < clicks.size()) {
            double[] start = clicks.get(i);
            int j = i + 1;
            while (j < clicks.size() && clicks.get(j)[0] - start[0] <= RAGE_WINDOW_MILLIS
                    && Math.hypot(clicks.get(j)[1] - start[1], clicks.get(j)[2] - start[2]) <= RAGE_RADIUS) {
                j++;
            }
            if (j - i >= RAGE_CLICKS) {
                rages++;
                i = j;
            } else {
                i++;
            }
        }
        return rages;
    }

    static long activeMillis(long[] activity) {
        Arrays.sort(activity);
        long active = 0;
        for (int i = 1; i < activity.length; i++) {
            long gap = activity[i] - activity[i - 1];
            if (gap <= ACTIVE_GAP_MILLIS) {
                active += gap;
            }
        }
        return active;
    }

    private static Map<String, String> strings(JsonNode node, String at) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject() || node.size() > MAX_CONTEXT_ENTRIES) {
            throw new InvalidChunkException(at, "must be an object of at most " + MAX_CONTEXT_ENTRIES
                    + " key → string entries");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isValueNode() || entry.getKey().length() > 200
                    || entry.getValue().asText().length() > 200) {
                throw new InvalidChunkException(at + "/" + entry.getKey(), "must be a short string");
            }
            values.put(entry.getKey(), entry.getValue().asText());
        }
        return values;
    }

    private byte[] bounded(byte[] json) {
        if (json.length > limits.maxDecompressedBytes()) {
            throw new InvalidChunkException("", "the chunk is larger than " + limits.maxDecompressedBytes()
                    + " bytes");
        }
        return json;
    }

    /** Decompresses, refusing to produce more than the decompressed bound. */
    private byte[] gunzip(byte[] body) {
        try (InputStream in = new Bounded(new GZIPInputStream(new ByteArrayInputStream(body), 16384),
                limits.maxDecompressedBytes())) {
            return in.readAllBytes();
        } catch (ZipException | java.io.EOFException e) {
            throw new InvalidChunkException("", "is not complete gzip data");
        } catch (IOException e) {
            throw new InvalidChunkException("", "cannot be decompressed: " + e.getMessage());
        }
    }
}
