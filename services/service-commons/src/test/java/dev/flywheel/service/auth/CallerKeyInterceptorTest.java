package dev.flywheel.service.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallerKeyInterceptorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "fw_server_abc | fw_server_abc",
            "'  fw_server_abc  ' | fw_server_abc",
            "flagSetId=fw_server_abc | fw_server_abc",
            "scope=x, flagSetId = fw_server_abc | fw_server_abc",
            "flagSetId= | null",
            "'' | null",
            "a b | null",
            "a,b | null",
            "scope=x | null",
            "scope=x, junk | null"})
    void aSelectorNamesTheKeyBareOrAsFlagSetId(String selector, String key) {
        if (key == null) {
            assertNull(CallerKeyInterceptor.keyFromSelector(selector));
        } else {
            assertEquals(key, CallerKeyInterceptor.keyFromSelector(selector));
        }
    }
}
