package dev.flywheel.flags;

import java.util.Map;

/**
 * The answer for one flag. {@code value} and {@code variant} are null when the caller should use its code default
 * (a disabled flag, or no default variant and no match); {@code error} is set when the resolution failed.
 */
public record Resolution(String flagKey, Object value, String variant, String reason, ErrorCode error,
        String errorMessage, Map<String, Object> metadata) {

    static Resolution failed(String flagKey, ErrorCode error, String message, Map<String, Object> metadata) {
        return new Resolution(flagKey, null, null, Reason.ERROR, error, message, metadata);
    }

    public boolean failed() {
        return error != null;
    }

    public boolean hasValue() {
        return variant != null;
    }
}
