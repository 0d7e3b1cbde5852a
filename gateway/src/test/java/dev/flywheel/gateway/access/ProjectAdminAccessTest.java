package dev.flywheel.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.flywheel.gateway.problem.ApiException;

/** Conditional writes: the version a write expects, from If-Match and If-None-Match as HTTP clients send them. */
class ProjectAdminAccessTest {

    @ParameterizedTest(name = "If-Match {0}, If-None-Match {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null      | null | 0",
            "''        | null | 0",
            "*         | null | 0",
            "\"12\"    | null | 12",
            "12        | null | 12",
            "W/\"7\"   | null | 7",
            "' \"3\" ' | null | 3",
            "null      | *    | -1",
            "null      | ' * '| -1",
            "\"5\"     | *    | -1",
            "\"5\"     | \"9\"| 5"})
    void expectedVersion(String ifMatch, String ifNoneMatch, long expected) {
        assertEquals(expected, ProjectAdminAccess.expectedVersion(ifMatch, ifNoneMatch));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0\"", "\"-4\"", "\"v12\"", "abc", "\"99999999999999999999\""})
    void aVersionNoETagCouldCarryIsRefused(String ifMatch) {
        ApiException refused = assertThrows(ApiException.class, () -> ProjectAdminAccess.expectedVersion(ifMatch,
                null));
        assertEquals("If-Match", refused.fieldErrors().get(0).field());
    }
}
