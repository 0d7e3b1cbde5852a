package dev.flywheel.flags;

/** OpenFeature error codes, defined once here and mapped to gRPC statuses and OFREP bodies at each edge. */
public enum ErrorCode {
    FLAG_NOT_FOUND, TYPE_MISMATCH, PARSE_ERROR, GENERAL, INVALID_CONTEXT, TARGETING_KEY_MISSING
}
