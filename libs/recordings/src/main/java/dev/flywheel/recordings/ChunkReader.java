package dev.flywheel.recordings;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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

import com.fasterxml.jackson.core.JsonProcessingException;
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
        JsonNode envelope = parse(decompress(body, gzip));
        if (!envelope.isObject()) {
            throw new InvalidChunkException("", "must be a JSON object");
        }
        String sessionId = RecordingIds.require("/sessionId", text(envelope, "sessionId"));
        String windowId = RecordingIds.require("/windowId", text(envelope, "windowId"));
        JsonNode sequenceNode = envelope.path("sequence");
        if (!sequenceNode.canConvertToInt() || !sequenceNode.isIntegralNumber() || sequenceNode.intValue() < 0
                || sequenceNode.intValue() > 10_000_000) {
            throw new InvalidChunkException("/sequence", "must be a whole number from 0 to 10000000");
        }
        String distinctId = text(envelope, "distinctId");
        if (distinctId == null || distinctId.isBlank() || distinctId.length() > 200) {
            throw new InvalidChunkException("/distinctId", "must be 1 to 200 characters");
        }
        JsonNode events = envelope.path("events");
        if (!events.isArray() || events.isEmpty()) {
            throw new InvalidChunkException("/events", "must be a non-empty array of rrweb events");
        }
        if (events.size() > limits.maxEvents()) {
            throw new InvalidChunkException("/events", "holds more than " + limits.maxEvents() + " events");
        }
        return summarise(sessionId, windowId, sequenceNode.intValue(), distinctId, events, envelope.path("context"),
                nowMillis);
    }

    /** Whether bytes are gzip data (its magic number). */
    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
    }

    /** The body's JSON bytes: decompressed when gzip, within the same bounds as {@link #read}. */
    public byte[] decompress(byte[] body, boolean gzip) {
        return gzip ? gunzip(body) : bounded(body);
    }

    private RecordingChunk summarise(String sessionId, String windowId, int sequence, String distinctId,
            JsonNode events, JsonNode context, long nowMillis) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        boolean fullSnapshot = false;
        Set<String> pages = new LinkedHashSet<>();
        List<double[]> clicks = new ArrayList<>();
        int consoleErrors = 0;
        long[] activity = new long[events.size()];
        int activityCount = 0;
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            String at = "/events/" + i;
            if (!event.isObject() || !event.path("type").isIntegralNumber()) {
                throw new InvalidChunkException(at + "/type", "each event needs a numeric type");
            }
            JsonNode timestampNode = event.path("timestamp");
            if (!timestampNode.isNumber()) {
                throw new InvalidChunkException(at + "/timestamp", "each event needs a timestamp (epoch ms)");
            }
            long timestamp = timestampNode.asLong();
            if (timestamp < EARLIEST || timestamp > nowMillis + FUTURE_SLACK_MILLIS) {
                throw new InvalidChunkException(at + "/timestamp", "is not a plausible epoch-millisecond time");
            }
            first = Math.min(first, timestamp);
            last = Math.max(last, timestamp);
            JsonNode data = event.path("data");
            switch (event.path("type").intValue()) {
                case FULL_SNAPSHOT -> fullSnapshot = true;
                case META -> {
                    String href = data.path("href").asText("");
                    if (!href.isEmpty() && pages.size() < 1_000) {
                        pages.add(href.length() > 2_000 ? href.substring(0, 2_000) : href);
                    }
                }
                case INCREMENTAL -> {
                    int source = data.path("source").asInt(-1);
                    if (source == SOURCE_MOUSE_INTERACTION && data.path("type").asInt(-1) == INTERACTION_CLICK) {
                        clicks.add(new double[]{timestamp, data.path("x").asDouble(), data.path("y").asDouble()});
                    }
                    if (source == SOURCE_MOUSE_MOVE || source == SOURCE_MOUSE_INTERACTION || source == SOURCE_SCROLL
                            || source == SOURCE_INPUT || source == SOURCE_TOUCH_MOVE) {
                        activity[activityCount++] = timestamp;
                    }
                }
                case PLUGIN -> {
                    if (data.path("plugin").asText("").startsWith("rrweb/console")
                            && "error".equals(data.path("payload").path("level").asText())) {
                        consoleErrors++;
                    }
                }
                default -> {
                    // DOM content loaded, load and custom events count towards time only
                }
            }
        }
        return new RecordingChunk(sessionId, windowId, sequence, distinctId, events.size(), first, last,
                fullSnapshot, List.copyOf(pages), clicks.size(), rageClicks(clicks), consoleErrors,
                activeMillis(Arrays.copyOf(activity, activityCount)), strings(context.path("flags"), "/context/flags"),
                strings(context.path("variations"), "/context/variations"));
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

    private static String text(JsonNode envelope, String field) {
        JsonNode node = envelope.path(field);
        return node.isTextual() ? node.textValue() : null;
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidChunkException("", "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidChunkException("", "cannot be read: " + e.getMessage());
        }
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
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 8);
            byte[] buffer = new byte[16384];
            int read;
            while ((read = in.read(buffer)) > 0) {
                if (out.size() + read > limits.maxDecompressedBytes()) {
                    throw new InvalidChunkException("", "the chunk decompresses to more than "
                            + limits.maxDecompressedBytes() + " bytes");
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        } catch (ZipException | java.io.EOFException e) {
            throw new InvalidChunkException("", "is not complete gzip data");
        } catch (IOException e) {
            throw new InvalidChunkException("", "cannot be decompressed: " + e.getMessage());
        }
    }
}
