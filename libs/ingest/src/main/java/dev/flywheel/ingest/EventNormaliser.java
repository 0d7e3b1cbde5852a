package dev.flywheel.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.TimestampAdjustment;

/**
 * The rules every event passes whatever its transport: identity (junk ids refused, the ids each call type needs),
 * the dedupe key, event time (bounded clock-skew correction, future and far-past clamping), and server
 * enrichment. Input arrives as a draft Event with the client's fields; output is the envelope put on Kafka.
 */
final class EventNormaliser {

    private final IngestLimits limits;

    EventNormaliser(IngestLimits limits) {
        this.limits = limits;
    }

    /**
     * @param draft
     *            the client's fields
     * @param originalTimestamp
     *            event time as the client sent it, or null
     * @param sentAt
     *            when the client sent it by its own clock, or null
     * @param direct
     *            whether context.direct asked for the request's IP
     */
    Event normalise(Event.Builder draft, Instant originalTimestamp, Instant sentAt, boolean direct,
            IngestRequestContext request) {
        draft.setUserId(cleanId(draft.getUserId(), "userId"));
        draft.setAnonymousId(cleanId(draft.getAnonymousId(), "anonymousId"));
        draft.setPreviousId(cleanId(draft.getPreviousId(), "previousId"));
        draft.setGroupId(cleanId(draft.getGroupId(), "groupId"));
        requireFieldsOf(draft);

        String messageId = draft.getMessageId().trim();
        if (messageId.length() > limits.maxMessageIdLength()) {
            throw new InvalidEventException("invalid_message_id",
                    "messageId is longer than " + limits.maxMessageIdLength() + " characters");
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        draft.setMessageId(messageId.isEmpty() ? randomUuid(random) : messageId)
                .setEventId(randomUuid(random))
                .setDistinctId(draft.getUserId().isEmpty() ? draft.getAnonymousId() : draft.getUserId())
                .setScope(request.scope())
                .setSource(request.source())
                .setReceivedAt(Timestamps.toProto(request.receivedAt()));
        applyTime(draft, originalTimestamp, sentAt, request);
        enrich(draft, direct, request);
        return draft.build();
    }

    private String cleanId(String id, String field) {
        if (id.isEmpty() || JunkIds.isJunk(id)) {
            return "";
        }
        String trimmed = id.trim();
        if (trimmed.length() > limits.maxIdLength()) {
            throw new InvalidEventException("id_too_long",
                    field + " is longer than " + limits.maxIdLength() + " characters");
        }
        return trimmed;
    }

    private static void requireFieldsOf(Event.Builder draft) {
        EventType type = draft.getType();
        boolean identified = !draft.getUserId().isEmpty() || !draft.getAnonymousId().isEmpty();
        switch (type) {
            case EVENT_TYPE_ALIAS -> {
                if (draft.getUserId().isEmpty()) {
                    throw new InvalidEventException("missing_identity", "alias needs a userId");
                }
                if (draft.getPreviousId().isEmpty()) {
                    throw new InvalidEventException("missing_previous_id", "alias needs a previousId");
                }
            }
            case EVENT_TYPE_TRACK, EVENT_TYPE_IDENTIFY, EVENT_TYPE_PAGE, EVENT_TYPE_SCREEN, EVENT_TYPE_GROUP -> {
                if (!identified) {
                    throw new InvalidEventException("missing_identity",
                            "needs a userId or anonymousId (junk values such as \"null\" do not count)");
                }
                if (type == EventType.EVENT_TYPE_TRACK && draft.getName().isBlank()) {
                    throw new InvalidEventException("missing_event_name", "track needs an event name");
                }
                if (type == EventType.EVENT_TYPE_GROUP && draft.getGroupId().isEmpty()) {
                    throw new InvalidEventException("missing_group_id", "group needs a groupId");
                }
            }
            default -> throw new InvalidEventException("invalid_type", "unknown call type");
        }
    }

    private void applyTime(Event.Builder draft, Instant original, Instant sentAt, IngestRequestContext request) {
        Instant received = request.receivedAt();
        if (original == null) {
            draft.setTimestamp(Timestamps.toProto(received))
                    .setTimestampAdjustment(TimestampAdjustment.TIMESTAMP_ADJUSTMENT_RECEIVED_AT);
            return;
        }
        draft.setOriginalTimestamp(Timestamps.toProto(original));
        Instant time = original;
        TimestampAdjustment adjustment = TimestampAdjustment.TIMESTAMP_ADJUSTMENT_NONE;
        if (sentAt != null) {
            draft.setSentAt(Timestamps.toProto(sentAt));
            // Only a real clock difference is corrected: small skews are network delay, and shifting by them
            // would reorder events of batches that sat in a client's queue.
            Duration skew = Duration.between(sentAt, received);
            if (skew.abs().compareTo(limits.skewThreshold()) > 0) {
                time = original.plus(skew);
                adjustment = TimestampAdjustment.TIMESTAMP_ADJUSTMENT_SKEW_CORRECTED;
            }
        }
        if (time.isAfter(received.plus(limits.futureTolerance()))) {
            time = received;
            adjustment = TimestampAdjustment.TIMESTAMP_ADJUSTMENT_FUTURE_CLAMPED;
        } else if (!request.historical() && time.isBefore(received.minus(limits.pastLimit()))) {
            time = received;
            adjustment = TimestampAdjustment.TIMESTAMP_ADJUSTMENT_PAST_CLAMPED;
        }
        draft.setTimestamp(Timestamps.toProto(time)).setTimestampAdjustment(adjustment);
    }

    private static void enrich(Event.Builder draft, boolean direct, IngestRequestContext request) {
        Struct context = draft.getContext();
        if (direct && request.clientIp() != null && !request.clientIp().isEmpty()) {
            draft.setContext(context.toBuilder()
                    .putFields("ip", Value.newBuilder().setStringValue(request.clientIp()).build()));
        }
        Value library = context.getFieldsOrDefault("library", null);
        if (library != null && library.hasStructValue()) {
            Struct fields = library.getStructValue();
            String name = fields.getFieldsOrDefault("name", Value.getDefaultInstance()).getStringValue();
            String version = fields.getFieldsOrDefault("version", Value.getDefaultInstance()).getStringValue();
            draft.setLibrary(version.isEmpty() ? name : name + "/" + version);
        } else if (request.userAgent() != null) {
            draft.setLibrary(request.userAgent().length() > 200
                    ? request.userAgent().substring(0, 200)
                    : request.userAgent());
        }
    }

    /** A random (version 4) UUID without SecureRandom's cost: these ids need uniqueness, not secrecy. */
    private static String randomUuid(ThreadLocalRandom random) {
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}
