package dev.flywheel.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the timestamp forms analytics clients send: ISO-8601 with or without offset, dates, epoch millis. */
final class Timestamps {

    private static final long MIN_EPOCH_MILLIS = 0L;
    private static final long MAX_EPOCH_MILLIS = 32503680000000L; // year 3000

    private Timestamps() {
    }

    /** The instant in {@code node}, null when absent; throws InvalidEventException when unreadable. */
    static Instant read(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            long millis = node.longValue();
            if (millis < MIN_EPOCH_MILLIS || millis > MAX_EPOCH_MILLIS) {
                throw invalid(field, node.asText());
            }
            return Instant.ofEpochMilli(millis);
        }
        if (!node.isTextual()) {
            throw invalid(field, node.toString());
        }
        String text = node.textValue().trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw invalid(field, text);
                }
            }
        }
    }

    private static InvalidEventException invalid(String field, String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return new InvalidEventException("invalid_timestamp", field + " is not an ISO-8601 time: " + shown);
    }
}
