package dev.flywheel.recordings;

/**
 * Bounds on one chunk: its compressed size as sent, its size once decompressed (a guard against gzip bombs), and its
 * number of rrweb events.
 */
public record RecordingLimits(int maxCompressedBytes, int maxDecompressedBytes, int maxEvents) {

    public static final RecordingLimits DEFAULT = new RecordingLimits(1 << 20, 16 << 20, 50_000);

    public RecordingLimits {
        if (maxCompressedBytes <= 0 || maxDecompressedBytes <= 0 || maxEvents <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
