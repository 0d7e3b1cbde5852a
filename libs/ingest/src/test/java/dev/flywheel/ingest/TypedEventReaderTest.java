package dev.flywheel.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;

class TypedEventReaderTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final IngestRequestContext GRPC = new IngestRequestContext(
            Scope.newBuilder().setProjectId("p1").build(), NOW, "10.0.0.1", "grpc-java/1.79",
            EventSource.EVENT_SOURCE_GRPC, false);

    private final TypedEventReader reader = new TypedEventReader(IngestLimits.SEGMENT);

    @Test
    void clientCannotForgeServerFields() {
        Event forged = Event.newBuilder().setType(EventType.EVENT_TYPE_TRACK).setName("x").setUserId("u")
                .setScope(Scope.newBuilder().setProjectId("someone-else"))
                .setEventId("mine").setSource(EventSource.EVENT_SOURCE_INTERNAL)
                .setTimestamp(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 30))
                .build();
        Event read = reader.read(List.of(forged), 0, GRPC).events().get(0);
        assertEquals("p1", read.getScope().getProjectId());
        assertEquals(EventSource.EVENT_SOURCE_GRPC, read.getSource());
        assertEquals(36, read.getEventId().length());
        assertEquals(NOW.getEpochSecond() - 30, read.getTimestamp().getSeconds());
    }

    @Test
    void sameRulesAsTheHttpApi() {
        Event junk = Event.newBuilder().setType(EventType.EVENT_TYPE_IDENTIFY).setUserId("undefined").build();
        Event untyped = Event.newBuilder().setUserId("u").build();
        Event big = Event.newBuilder().setType(EventType.EVENT_TYPE_TRACK).setName("x").setUserId("u")
                .setProperties(Struct.newBuilder().putFields("blob",
                        Value.newBuilder().setStringValue("z".repeat(40_000)).build()))
                .build();
        ParsedBatch parsed = reader.read(List.of(junk, untyped, big), 10, GRPC);
        assertEquals(List.of("missing_identity", "invalid_type", "event_too_large"),
                parsed.rejections().stream().map(Rejection::reason).toList());
        assertEquals(List.of(10, 11, 12), parsed.rejections().stream().map(Rejection::index).toList());
    }

    @Test
    void batchesAreBounded() {
        Event event = Event.newBuilder().setType(EventType.EVENT_TYPE_TRACK).setName("x").setUserId("u").build();
        assertThrows(MalformedInputException.class,
                () -> reader.read(Collections.nCopies(2501, event), 0, GRPC));
    }
}
