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
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.ofEpochMilli(MAX_EPOCH_MILLIS);

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
            case VALUE_STRING -> inRange(parse(parser.getText().trim(), field), field);
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

    /**
     * The instant of a protobuf Timestamp a client sent; InvalidEventException outside 1970 to 3000 (the same range as
     * JSON times), before any arithmetic on it can overflow.
     */
    static Instant fromProto(com.google.protobuf.Timestamp timestamp, String field) {
        long seconds = timestamp.getSeconds();
        if (seconds < EARLIEST.getEpochSecond() || seconds > LATEST.getEpochSecond() || timestamp.getNanos() < 0
                || timestamp.getNanos() > 999_999_999) {
            throw new InvalidEventException("invalid_timestamp", field + " must lie between 1970 and 3000");
        }
        return Instant.ofEpochSecond(seconds, timestamp.getNanos());
    }

    static com.google.protobuf.Timestamp toProto(Instant instant) {
        return com.google.protobuf.Timestamp.newBuilder().setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano()).build();
    }

    private static Instant inRange(Instant instant, String field) {
        if (instant != null && (instant.isBefore(EARLIEST) || instant.isAfter(LATEST))) {
            throw new InvalidEventException("invalid_timestamp", field + " must lie between 1970 and 3000");
        }
        return instant;
    }

    private static InvalidEventException invalid(String field, String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return new InvalidEventException("invalid_timestamp", field + " is not an ISO-8601 time: " + shown);
    }
}
