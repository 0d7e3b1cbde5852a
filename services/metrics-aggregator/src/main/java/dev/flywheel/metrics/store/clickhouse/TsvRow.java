package dev.flywheel.metrics.store.clickhouse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One TabSeparated row as it arrived: fields are read from its bytes when asked for, so arrays of numbers (a
 * funnel's timelines are most of an answer) are parsed without becoming text first.
 */
public final class TsvRow {

    private final byte[] bytes;
    /** Start and end (exclusive) of each field. */
    private final int[] bounds;

    TsvRow(byte[] bytes, int start, int end) {
        this.bytes = bytes;
        int[] found = new int[8];
        int n = 0;
        int from = start;
        for (int i = start; i <= end; i++) {
            if (i == end || bytes[i] == '\t') {
                if (n + 2 > found.length) {
                    found = Arrays.copyOf(found, found.length * 2);
                }
                found[n++] = from;
                found[n++] = i;
                from = i + 1;
            }
        }
        this.bounds = Arrays.copyOf(found, n);
    }

    public int size() {
        return bounds.length / 2;
    }

    /** A field as sent (escaped). */
    public String raw(int field) {
        return new String(bytes, bounds[2 * field], bounds[2 * field + 1] - bounds[2 * field], StandardCharsets.UTF_8);
    }

    /** A string field, unescaped. */
    public String text(int field) {
        return ClickHouseSql.unescape(raw(field));
    }

    /** Every field as sent (escaped). */
    public String[] raws() {
        String[] fields = new String[size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = raw(i);
        }
        return fields;
    }

    /** An array of integers that fit an int (days). */
    public int[] ints(int field) {
        long[] values = longs(field);
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }

    /** An array of integers ("[1,-2,3]"). */
    public long[] longs(int field) {
        int end = bounds[2 * field + 1];
        long[] out = new long[16];
        int n = 0;
        long value = 0;
        boolean negative = false;
        boolean digits = false;
        for (int i = bounds[2 * field] + 1; i < end; i++) {
            byte c = bytes[i];
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                digits = true;
            } else if (c == '-') {
                negative = true;
            } else if (digits) { // ',' or ']'
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = negative ? -value : value;
                value = 0;
                negative = false;
                digits = false;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
