package dev.flywheel.recordings;

import java.util.List;
import java.util.Map;

/**
 * One chunk of a session's recording as the browser sent it, read and summarised.
 *
 * @param sequence
 *            the chunk's number within its window (0, 1, 2, …): with the session and window, what makes a retried
 *            chunk the same chunk
 * @param firstTimestamp
 *            epoch milliseconds of the chunk's first event
 * @param lastTimestamp
 *            epoch milliseconds of its last event
 * @param pages
 *            the URLs the chunk's page loads (rrweb meta events) show, in order
 * @param activeMillis
 *            time with user activity (input, pointer, scroll) at most five seconds apart
 * @param flags
 *            flag key → variant the page had evaluated (from the envelope's context)
 * @param variations
 *            experiment key → variation key the person was assigned
 */
public record RecordingChunk(String sessionId, String windowId, int sequence, String distinctId, int eventCount,
        long firstTimestamp, long lastTimestamp, boolean fullSnapshot, List<String> pages, int clicks,
        int rageClicks, int consoleErrors, long activeMillis, Map<String, String> flags,
        Map<String, String> variations) {

    public long durationMillis() {
        return lastTimestamp - firstTimestamp;
    }
}
