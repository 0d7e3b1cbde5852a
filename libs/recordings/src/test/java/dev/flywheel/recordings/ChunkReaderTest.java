package dev.flywheel.recordings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

class ChunkReaderTest {

    private static final long T0 = 1_764_000_000_000L;
    private static final ChunkReader READER = new ChunkReader(RecordingLimits.DEFAULT);

    static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String envelope(String events) {
        return "{\"sessionId\": \"session-0001\", \"windowId\": \"window-0001\", \"sequence\": 3, "
                + "\"distinctId\": \"user-7\", \"context\": {\"flags\": {\"new-checkout\": \"on\"}, "
                + "\"variations\": {\"pricing\": \"b\"}}, \"events\": [" + events + "]}";
    }

    static String click(long at, int x, int y) {
        return "{\"type\": 3, \"timestamp\": " + at + ", \"data\": {\"source\": 2, \"type\": 2, \"id\": 5, \"x\": " + x
                + ", \"y\": " + y + "}}";
    }

    @Test
    void summarisesPagesClicksRageClicksErrorsAndActiveTime() {
        List<String> events = new ArrayList<>(List.of(
                "{\"type\": 4, \"timestamp\": " + T0 + ", \"data\": {\"href\": \"https://shop.example/\", "
                        + "\"width\": 1280, \"height\": 800}}",
                "{\"type\": 2, \"timestamp\": " + (T0 + 5) + ", \"data\": {\"node\": {}}}",
                // pointer movement 1 s and 2 s in: active 1 s
                "{\"type\": 3, \"timestamp\": " + (T0 + 1_000) + ", \"data\": {\"source\": 1, \"positions\": []}}",
                "{\"type\": 3, \"timestamp\": " + (T0 + 2_000) + ", \"data\": {\"source\": 1, \"positions\": []}}",
                // 20 s idle, then a rage click (three clicks in 600 ms within 30 px) and a lone click
                click(T0 + 22_000, 100, 100), click(T0 + 22_300, 110, 105), click(T0 + 22_600, 95, 98),
                click(T0 + 24_000, 400, 300),
                "{\"type\": 6, \"timestamp\": " + (T0 + 24_500) + ", \"data\": {\"plugin\": \"rrweb/console@1\", "
                        + "\"payload\": {\"level\": \"error\", \"payload\": [\"boom\"]}}}",
                "{\"type\": 6, \"timestamp\": " + (T0 + 24_600) + ", \"data\": {\"plugin\": \"rrweb/console@1\", "
                        + "\"payload\": {\"level\": \"log\"}}}",
                "{\"type\": 4, \"timestamp\": " + (T0 + 30_000)
                        + ", \"data\": {\"href\": \"https://shop.example/cart\"}}"));
        RecordingChunk chunk = READER.read(gzip(envelope(String.join(",", events))), true, T0);
        assertEquals("session-0001", chunk.sessionId());
        assertEquals("window-0001", chunk.windowId());
        assertEquals(3, chunk.sequence());
        assertEquals("user-7", chunk.distinctId());
        assertEquals(11, chunk.eventCount());
        assertEquals(T0, chunk.firstTimestamp());
        assertEquals(30_000, chunk.durationMillis());
        assertTrue(chunk.fullSnapshot());
        assertEquals(List.of("https://shop.example/", "https://shop.example/cart"), chunk.pages());
        assertEquals(4, chunk.clicks());
        assertEquals(1, chunk.rageClicks());
        assertEquals(1, chunk.consoleErrors());
        // 1,000 (moves) + 300 + 300 + 1,400 (clicks 22.0 → 24.0 s): gaps of 20 s are idle
        assertEquals(3_000, chunk.activeMillis());
        assertEquals(Map.of("new-checkout", "on"), chunk.flags());
        assertEquals(Map.of("pricing", "b"), chunk.variations());
    }

    @Test
    void readsFieldsInAnyOrderAndSkipsWhatItDoesNotNeed() {
        String events = String.join(",",
                // data before type and timestamp; a deep snapshot; unknown fields of every shape
                "{\"data\": {\"node\": {\"type\": 0, \"childNodes\": [{\"type\": 2, \"childNodes\": [{}]}]},"
                        + " \"initialOffset\": {\"top\": 0}}, \"extra\": [1, {\"a\": [2]}], \"type\": 2,"
                        + " \"timestamp\": " + T0 + "}",
                "{\"timestamp\": " + (T0 + 10) + ", \"data\": {\"x\": 3, \"positions\": [{\"x\": 1}], \"y\": 4,"
                        + " \"type\": 2, \"source\": 2}, \"type\": 3}",
                "{\"type\": 6, \"timestamp\": " + (T0 + 20) + ", \"data\": {\"payload\": {\"payload\": [\"x\"],"
                        + " \"trace\": [], \"level\": \"error\"}, \"plugin\": \"rrweb/console@1\"}}");
        String json = "{\"events\": [" + events + "], \"unknown\": {\"deep\": [[1]]}, \"sequence\": 0,"
                + " \"windowId\": \"window-0001\", \"distinctId\": \"u\", \"sessionId\": \"session-0001\"}";
        RecordingChunk chunk = READER.read(json.getBytes(StandardCharsets.UTF_8), false, T0);
        assertTrue(chunk.fullSnapshot());
        assertEquals(1, chunk.clicks());
        assertEquals(1, chunk.consoleErrors());
        assertEquals(3, chunk.eventCount());
        assertEquals(20, chunk.durationMillis());
    }

    @Test
    void readsUncompressedJsonToo() {
        RecordingChunk chunk = READER.read(envelope(click(T0, 1, 1)).getBytes(StandardCharsets.UTF_8), false, T0);
        assertFalse(chunk.fullSnapshot());
        assertEquals(0, chunk.rageClicks());
    }

    @Test
    void rageClicksNeedThreeCloseClicksWithinASecond() {
        List<double[]> spread = new ArrayList<>(List.of(new double[]{0, 0, 0}, new double[]{500, 100, 0},
                new double[]{900, 0, 0}));
        assertEquals(0, ChunkReader.rageClicks(spread));
        List<double[]> slow = new ArrayList<>(List.of(new double[]{0, 0, 0}, new double[]{600, 0, 0},
                new double[]{1_200, 0, 0}));
        assertEquals(0, ChunkReader.rageClicks(slow));
        List<double[]> two = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            two.add(new double[]{i < 3 ? i * 100 : 5_000 + i * 100, 10, 10});
        }
        assertEquals(2, ChunkReader.rageClicks(two));
        assertEquals(0, ChunkReader.activeMillis(new long[]{T0}));
        assertEquals(5_000, ChunkReader.activeMillis(new long[]{T0 + 5_000, T0, T0 + 10_001}));
    }

    @Test
    void refusesWhatItCannotStore() {
        String ok = click(T0, 1, 1);
        assertInvalid("", new byte[0], false);
        assertInvalid("", "not json".getBytes(StandardCharsets.UTF_8), false);
        assertInvalid("", "[1, 2]".getBytes(StandardCharsets.UTF_8), false);
        assertInvalid("", new byte[]{0x1f, (byte) 0x8b, 8, 0, 0}, true);
        assertInvalid("", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8), true);
        assertInvalid("", envelope(ok) + " {\"sessionId\": \"other-session\"}", true);
        assertInvalid("/sessionId", envelope(ok).replace("session-0001", "../../etc"), false);
        assertInvalid("/sessionId", envelope(ok).replace("session-0001", "short"), false);
        assertInvalid("/windowId", envelope(ok).replace("window-0001", "w/0001/../x"), false);
        assertInvalid("/sequence", envelope(ok).replace("\"sequence\": 3", "\"sequence\": -1"), false);
        assertInvalid("/sequence", envelope(ok).replace("\"sequence\": 3", "\"sequence\": 1.5"), false);
        assertInvalid("/sequence", envelope(ok).replace("\"sequence\": 3", "\"sequence\": \"3\""), false);
        assertInvalid("/distinctId", envelope(ok).replace("\"user-7\"", "\"\""), false);
        assertInvalid("/events", envelope(""), false);
        assertInvalid("/events/0/type", envelope("{\"timestamp\": " + T0 + "}"), false);
        assertInvalid("/events/1/timestamp", envelope(ok + ", {\"type\": 3}"), false);
        assertInvalid("/events/0/timestamp", envelope(click(12, 1, 1)), false);
        assertInvalid("/events/0/timestamp", envelope(click(T0 + 2 * 86_400_000L, 1, 1)), false);
        assertInvalid("/context/flags", envelope(ok).replace("{\"new-checkout\": \"on\"}", "[1]"), false);
        assertInvalid("/context/variations/pricing", envelope(ok).replace("\"b\"", "{\"x\": 1}"), false);
    }

    @Test
    void boundsSizesEventsAndDecompression() {
        ChunkReader small = new ChunkReader(new RecordingLimits(2_000, 10_000, 2));
        String three = String.join(",", click(T0, 1, 1), click(T0, 1, 1), click(T0, 1, 1));
        assertEquals("holds more than 2 events", assertThrows(InvalidChunkException.class,
                () -> small.read(envelope(three).getBytes(StandardCharsets.UTF_8), false, T0)).getMessage()
                .substring(0, 24));
        // a gzip bomb: 100 kB of spaces compress to a few hundred bytes but exceed the decompressed bound
        char[] spaces = new char[100_000];
        Arrays.fill(spaces, ' ');
        byte[] bomb = gzip(envelope(click(T0, 1, 1)) + new String(spaces));
        assertTrue(bomb.length < 2_000);
        assertTrue(assertThrows(InvalidChunkException.class, () -> small.read(bomb, true, T0)).getMessage()
                .contains("decompresses to more than 10000 bytes"));
        byte[] big = new byte[2_001];
        assertTrue(assertThrows(InvalidChunkException.class, () -> small.read(big, false, T0)).getMessage()
                .contains("larger than 2000 bytes"));
    }

    private static void assertInvalid(String field, String json, boolean gzip) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        assertInvalid(field, gzip ? gzip(json) : body, gzip);
    }

    private static void assertInvalid(String field, byte[] body, boolean gzip) {
        InvalidChunkException invalid = assertThrows(InvalidChunkException.class, () -> READER.read(body, gzip, T0));
        assertEquals(field, invalid.field(), invalid.getMessage());
    }
}
