package dev.flywheel.ingest;

import java.time.Duration;

/**
 * The limits of the Segment HTTP API (32 KB per event, 500 KB per request, 2,500 events per batch) and the time
 * rules applied to event timestamps.
 *
 * @param maxEventBytes
 *            largest single event, as sent
 * @param maxBatchBytes
 *            largest request body (after gunzip)
 * @param maxBatchEvents
 *            most events in one batch
 * @param maxMessageIdLength
 *            longest messageId (the dedupe key)
 * @param maxIdLength
 *            longest userId, anonymousId, groupId or previousId
 * @param skewThreshold
 *            clock skew (receivedAt - sentAt) below which timestamps are left alone
 * @param futureTolerance
 *            how far past receivedAt an event time may lie before it is clamped
 * @param pastLimit
 *            how far before receivedAt a live (non-import) event time may lie before it is clamped
 */
public record IngestLimits(int maxEventBytes, int maxBatchBytes, int maxBatchEvents, int maxMessageIdLength,
        int maxIdLength, Duration skewThreshold, Duration futureTolerance, Duration pastLimit) {

    public static final IngestLimits SEGMENT = new IngestLimits(32 * 1024, 500 * 1024, 2_500, 100, 255,
            Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(7));
}
