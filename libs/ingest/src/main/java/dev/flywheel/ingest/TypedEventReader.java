package dev.flywheel.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.Value;

import dev.flywheel.proto.events.v1.Event;

/** Applies the same rules as {@link SegmentParser} to events that backends send as typed protobuf messages. */
public final class TypedEventReader {

    private final IngestLimits limits;
    private final EventNormaliser normaliser;

    public TypedEventReader(IngestLimits limits) {
        this.limits = limits;
        this.normaliser = new EventNormaliser(limits);
    }

    /**
     * @param firstIndex
     *            index of the first event in the whole request (streams number events across batches)
     * @throws MalformedInputException
     *             when the batch holds too many events
     */
    public ParsedBatch read(List<Event> inputs, int firstIndex, IngestRequestContext request) {
        if (inputs.size() > limits.maxBatchEvents()) {
            throw new MalformedInputException("too_many_events",
                    "a batch holds at most " + limits.maxBatchEvents() + " events");
        }
        List<Event> events = new ArrayList<>(inputs.size());
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Event input = inputs.get(i);
            try {
                int size = input.getSerializedSize();
                if (size > limits.maxEventBytes()) {
                    throw new InvalidEventException("event_too_large",
                            "event of " + size + " bytes exceeds " + limits.maxEventBytes());
                }
                Instant original = input.hasTimestamp()
                        ? Timestamps.fromProto(input.getTimestamp(), "timestamp")
                        : null;
                Instant sentAt = input.hasSentAt() ? Timestamps.fromProto(input.getSentAt(), "sent_at") : null;
                Value direct = input.getContext().getFieldsOrDefault("direct", null);
                Event.Builder draft = input.toBuilder()
                        .clearEventId().clearScope().clearDistinctId().clearReceivedAt().clearSource()
                        .clearTimestamp().clearOriginalTimestamp().clearSentAt().clearTimestampAdjustment()
                        .clearLibrary();
                events.add(normaliser.normalise(draft, original, sentAt, direct != null && direct.getBoolValue(),
                        request));
            } catch (InvalidEventException e) {
                rejections.add(new Rejection(firstIndex + i, e.reason(), e.getMessage(), input.toByteArray()));
            }
        }
        return new ParsedBatch(events, rejections);
    }
}
