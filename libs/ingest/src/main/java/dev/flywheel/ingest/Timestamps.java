package dev.flywheel.ingest;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonParser;

/** Reads the timestamp forms analytics clients send: ISO-8601 with or without offset, dates, epoch millis. */
final class Timestamps {

    private static final long MAX_EPOCH_MILLIS = 32503680000000L; // year 3000

    private Timestamps() {
    }

    /**
     * The instant at the parser's current value, null when it is null or empty; throws InvalidEventException when
     * unreadable.
     */
    static Instant read(JsonParser parser, String field) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> {
                long millis = parser.getLongValue();
                if (millis < 0 || millis > MAX_EPOCH_MILLIS) {
                    throw invalid(field, Long.toString(millis));
                }
                yield Instant.ofEpochMilli(millis);
            }
            case VALUE_STRING -> parse(parser.getText().trim(), field);
            default -> {
                parser.skipChildren();
                throw invalid(field, "a " + parser.currentToken());
            }
        };
    }

    private static Instant parse(String text, String field) {
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
