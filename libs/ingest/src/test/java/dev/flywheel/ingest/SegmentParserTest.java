package dev.flywheel.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.TimestampAdjustment;

class SegmentParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Scope SCOPE = Scope.newBuilder().setProjectId("p1").setEnvironment("production").build();
    private static final IngestRequestContext LIVE = new IngestRequestContext(SCOPE, NOW, "203.0.113.9",
            "curl/8", EventSource.EVENT_SOURCE_REST, false);

    private final SegmentParser parser = new SegmentParser(IngestLimits.SEGMENT);

    static Stream<Arguments> rejectedEvents() throws IOException {
        return cases("/rejected-events.json");
    }

    static Stream<Arguments> malformedRequests() throws IOException {
        return cases("/malformed-requests.json");
    }

    private static Stream<Arguments> cases(String resource) throws IOException {
        try (InputStream in = SegmentParserTest.class.getResourceAsStream(resource)) {
            List<Arguments> cases = new ArrayList<>();
            for (JsonNode c : JSON.readTree(in)) {
                cases.add(Arguments.of(c.get("name").asText(), c.get("call").asText(),
                        c.has("raw") ? c.get("raw").asText() : c.get("body").toString(), c.get("reason").asText()));
            }
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedEvents")
    void invalidEventsAreRejectedWithTheirBytesKept(String name, String call, String body, String reason) {
        ParsedBatch parsed = parse(call, body);
        assertEquals(0, parsed.events().size(), name);
        assertEquals(1, parsed.rejections().size(), name);
        Rejection rejection = parsed.rejections().get(0);
        assertEquals(reason, rejection.reason(), rejection.detail());
        assertTrue(rejection.payload().length > 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void unusableRequestsAreMalformed(String name, String call, String body, String reason) {
        MalformedInputException e = assertThrows(MalformedInputException.class, () -> parse(call, body), name);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void everyCallTypeBecomesAnEnvelope() {
        assertEquals(EventType.EVENT_TYPE_TRACK, single("track", "{\"event\":\"Signed Up\",\"userId\":\"u1\"}")
                .getType());
        Event identify = single("identify", "{\"userId\":\"u1\",\"anonymousId\":\"a1\",\"traits\":{\"plan\":\"pro\"}}");
        assertEquals("u1", identify.getDistinctId());
        assertEquals("pro", identify.getTraits().getFieldsOrThrow("plan").getStringValue());
        assertEquals("Pricing", single("page", "{\"name\":\"Pricing\",\"anonymousId\":\"a1\"}").getName());
        assertEquals(EventType.EVENT_TYPE_SCREEN, single("s", "{\"name\":\"Home\",\"userId\":\"u1\"}").getType());
        assertEquals("g1", single("group", "{\"groupId\":\"g1\",\"userId\":\"u1\"}").getGroupId());
        Event alias = single("a", "{\"previousId\":\"a1\",\"userId\":\"u1\"}");
        assertEquals("a1", alias.getPreviousId());
        assertEquals("u1", alias.getDistinctId());
    }

    @Test
    void serverFieldsAreFilledAndClientOnesKept() {
        Event event = single("track", """
                {"event":"Order Completed","anonymousId":"a1","messageId":"m-1",
                 "properties":{"revenue":42.5,"items":[1,"two",null],"coupon":null},
                 "context":{"library":{"name":"analytics-node","version":"2.1.0"}}}""");
        assertEquals("m-1", event.getMessageId());
        assertEquals(36, event.getEventId().length());
        assertEquals(SCOPE, event.getScope());
        assertEquals("a1", event.getDistinctId());
        assertEquals(EventSource.EVENT_SOURCE_REST, event.getSource());
        assertEquals(42.5, event.getProperties().getFieldsOrThrow("revenue").getNumberValue());
        assertEquals(3, event.getProperties().getFieldsOrThrow("items").getListValue().getValuesCount());
        assertEquals("analytics-node/2.1.0", event.getLibrary());
        assertEquals(NOW.getEpochSecond(), event.getReceivedAt().getSeconds());
    }

    @Test
    void missingMessageIdsAreGeneratedAndNumericIdsBecomeStrings() {
        Event event = single("track", "{\"event\":\"x\",\"userId\":12345}");
        assertEquals("12345", event.getUserId());
        assertEquals(36, event.getMessageId().length());
        assertNotEquals(event.getMessageId(), single("track", "{\"event\":\"x\",\"userId\":1}").getMessageId());
    }

    @Test
    void junkUserIdFallsBackToTheAnonymousId() {
        Event event = single("track", "{\"event\":\"x\",\"userId\":\"null\",\"anonymousId\":\"a-7\"}");
        assertEquals("", event.getUserId());
        assertEquals("a-7", event.getDistinctId());
    }

    @Test
    void userAgentNamesTheLibraryWhenContextDoesNot() {
        assertEquals("curl/8", single("track", "{\"event\":\"x\",\"userId\":\"u\"}").getLibrary());
    }

    @Test
    void directContextTakesTheRequestIp() {
        Event direct = single("track",
                "{\"event\":\"x\",\"userId\":\"u\",\"context\":{\"direct\":true,\"ip\":\"1.1.1.1\"}}");
        assertEquals("203.0.113.9", direct.getContext().getFieldsOrThrow("ip").getStringValue());
        Event indirect = single("track", "{\"event\":\"x\",\"userId\":\"u\",\"context\":{\"ip\":\"1.1.1.1\"}}");
        assertEquals("1.1.1.1", indirect.getContext().getFieldsOrThrow("ip").getStringValue());
    }

    @Test
    void batchContextAndIntegrationsMergeIntoEachEventWhichWins() {
        ParsedBatch parsed = parse("batch", """
                {"writeKey":"k","context":{"locale":"en","app":{"name":"shop"}},"integrations":{"All":false},
                 "batch":[{"type":"track","event":"a","userId":"u","context":{"locale":"fr"}},
                          {"type":"identify","userId":"u"}]}""");
        assertEquals(2, parsed.events().size());
        assertEquals("fr", parsed.events().get(0).getContext().getFieldsOrThrow("locale").getStringValue());
        assertTrue(parsed.events().get(0).getContext().containsFields("app"));
        assertEquals("en", parsed.events().get(1).getContext().getFieldsOrThrow("locale").getStringValue());
        assertTrue(parsed.events().get(1).getIntegrations().containsFields("All"));
    }

    @Test
    void validEventsOfABatchSurviveInvalidNeighbours() {
        ParsedBatch parsed = parse("batch", """
                {"batch":[{"type":"track","event":"a","userId":"u"},{"type":"track","userId":"u"},
                          {"type":"page","anonymousId":"x"}]}""");
        assertEquals(2, parsed.events().size());
        assertEquals(1, parsed.rejections().size());
        assertEquals(1, parsed.rejections().get(0).index());
        assertEquals("{\"type\":\"track\",\"userId\":\"u\"}",
                new String(parsed.rejections().get(0).payload(), StandardCharsets.UTF_8));
    }

    @Test
    void oversizeEventsAreRejectedAndOversizeBatchesRefused() {
        String big = "x".repeat(33 * 1024);
        ParsedBatch parsed = parse("batch", "{\"batch\":[{\"type\":\"track\",\"event\":\"a\",\"userId\":\"u\","
                + "\"properties\":{\"blob\":\"" + big + "\"}},{\"type\":\"track\",\"event\":\"b\",\"userId\":\"u\"}]}");
        assertEquals(1, parsed.events().size());
        assertEquals("event_too_large", parsed.rejections().get(0).reason());
        String huge = "{\"batch\":[" + ("{\"type\":\"track\",\"event\":\"" + "y".repeat(20_000)
                + "\",\"userId\":\"u\"},").repeat(26) + "{}]}";
        assertEquals("batch_too_large",
                assertThrows(MalformedInputException.class, () -> parse("batch", huge)).reason());
    }

    @Test
    void atMost2500EventsPerBatch() {
        String event = "{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\"}";
        assertEquals(2500, parse("batch", "{\"batch\":[" + String.join(",", java.util.Collections.nCopies(2500,
                event)) + "]}").events().size());
        String tooMany = "{\"batch\":[" + String.join(",", java.util.Collections.nCopies(2501, "{}")) + "]}";
        assertEquals("too_many_events",
                assertThrows(MalformedInputException.class, () -> parse("batch", tooMany)).reason());
    }

    @Test
    void timeWithoutClientTimestampIsReceivedAt() {
        Event event = single("track", "{\"event\":\"x\",\"userId\":\"u\"}");
        assertEquals(NOW.getEpochSecond(), event.getTimestamp().getSeconds());
        assertEquals(TimestampAdjustment.TIMESTAMP_ADJUSTMENT_RECEIVED_AT, event.getTimestampAdjustment());
    }

    @Test
    void smallSkewIsLeftAloneLargeSkewCorrected() {
        Event small = single("track", "{\"event\":\"x\",\"userId\":\"u\",\"timestamp\":\"2026-11-23T11:59:00Z\","
                + "\"sentAt\":\"2026-11-23T11:59:58Z\"}");
        assertEquals(Instant.parse("2026-11-23T11:59:00Z").getEpochSecond(), small.getTimestamp().getSeconds());
        assertEquals(TimestampAdjustment.TIMESTAMP_ADJUSTMENT_NONE, small.getTimestampAdjustment());
        // Client clock 2 hours fast: event 10 s before sending lands 10 s before arrival.
        Event skewed = single("track", "{\"event\":\"x\",\"userId\":\"u\",\"originalTimestamp\":"
                + "\"2026-11-23T13:59:50+00:00\",\"sentAt\":\"2026-11-23T14:00:00.000Z\"}");
        assertEquals(NOW.minusSeconds(10).getEpochSecond(), skewed.getTimestamp().getSeconds());
        assertEquals(TimestampAdjustment.TIMESTAMP_ADJUSTMENT_SKEW_CORRECTED, skewed.getTimestampAdjustment());
        assertEquals(Instant.parse("2026-11-23T13:59:50Z").getEpochSecond(),
                skewed.getOriginalTimestamp().getSeconds());
    }

    @Test
    void batchLevelSentAtCorrectsEachEvent() {
        ParsedBatch parsed = parse("batch", "{\"sentAt\":\"2026-11-23T10:00:00Z\",\"batch\":[{\"type\":\"track\","
                + "\"event\":\"x\",\"userId\":\"u\",\"timestamp\":\"2026-11-23T09:59:00Z\"}]}");
        assertEquals(NOW.minusSeconds(60).getEpochSecond(), parsed.events().get(0).getTimestamp().getSeconds());
    }

    @Test
    void futureTimesAreClampedFarPastOnlyForLiveCalls() {
        Event future = single("track", "{\"event\":\"x\",\"userId\":\"u\",\"timestamp\":\"2027-01-01T00:00:00Z\"}");
        assertEquals(NOW.getEpochSecond(), future.getTimestamp().getSeconds());
        assertEquals(TimestampAdjustment.TIMESTAMP_ADJUSTMENT_FUTURE_CLAMPED, future.getTimestampAdjustment());
        String old = "{\"batch\":[{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"timestamp\":\"2024-02-29\"}]}";
        Event live = parse("batch", old).events().get(0);
        assertEquals(TimestampAdjustment.TIMESTAMP_ADJUSTMENT_PAST_CLAMPED, live.getTimestampAdjustment());
        IngestRequestContext importing = new IngestRequestContext(SCOPE, NOW, null, null,
                EventSource.EVENT_SOURCE_IMPORT, true);
        Event imported = parser.parse(old.getBytes(StandardCharsets.UTF_8), "import", importing).events().get(0);
        assertEquals(Instant.parse("2024-02-29T00:00:00Z").getEpochSecond(), imported.getTimestamp().getSeconds());
        assertEquals(TimestampAdjustment.TIMESTAMP_ADJUSTMENT_NONE, imported.getTimestampAdjustment());
    }

    @Test
    void epochMillisAndLocalTimesAreRead() {
        long millis = NOW.minus(Duration.ofMinutes(5)).toEpochMilli();
        assertEquals(millis / 1000, single("track", "{\"event\":\"x\",\"userId\":\"u\",\"timestamp\":" + millis + "}")
                .getTimestamp().getSeconds());
        assertEquals(Instant.parse("2026-11-23T11:00:00Z").getEpochSecond(), single("track",
                "{\"event\":\"x\",\"userId\":\"u\",\"timestamp\":\"2026-11-23T11:00:00\"}").getTimestamp()
                .getSeconds());
    }

    @Test
    void writeKeyIsFoundWithoutParsingTheBatch() {
        assertEquals("fw_client_abc", SegmentParser.findWriteKey(
                "{\"batch\":[{\"writeKey\":\"inner\"}],\"writeKey\":\"fw_client_abc\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertNull(SegmentParser.findWriteKey("{\"batch\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertNull(SegmentParser.findWriteKey("not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unicodeSurvives() {
        Event event = single("track", "{\"event\":\"Größe ✓ 🚀\",\"userId\":\"ü\"}");
        assertEquals("Größe ✓ 🚀", event.getName());
        assertArrayEquals("ü".getBytes(StandardCharsets.UTF_8), event.getUserId().getBytes(StandardCharsets.UTF_8));
    }

    private ParsedBatch parse(String call, String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8), call, LIVE);
    }

    private Event single(String call, String body) {
        ParsedBatch parsed = parse(call, body);
        assertEquals(List.of(), parsed.rejections().stream().map(Rejection::detail).toList());
        return parsed.events().get(0);
    }
}
