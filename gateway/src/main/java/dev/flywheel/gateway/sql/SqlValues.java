package dev.flywheel.gateway.sql;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.pgclient.PgException;

/** Conversions the gateway's stores share between Java values and the PostgreSQL client's. */
public final class SqlValues {

    private static final String UNIQUE_VIOLATION = "23505";

    private SqlValues() {
    }

    /** A {@code timestamptz} column as an instant, null when SQL NULL. */
    public static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /** An instant as the client binds a {@code timestamptz}; null stays null. */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** The first row, or null when there is none. */
    public static Row firstRow(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** Whether the statement failed on a unique constraint. */
    public static boolean uniqueViolation(Throwable failure) {
        return failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
    }
}
