package dev.flywheel.service.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import io.grpc.Status;

/** The catalogue's plain values: environment keys, expected versions and audit entries. */
class CatalogueValuesTest {

    @ParameterizedTest
    @CsvSource({"p1/production,p1,production", "p1/*,p1,*", "a/b/c,a,b/c"})
    void environmentKeysRoundTripThroughNotificationPayloads(String payload, String project, String environment) {
        EnvironmentKey key = EnvironmentKey.parse(payload);
        assertEquals(new EnvironmentKey(project, environment), key);
        assertEquals(payload, key.payload());
        assertEquals("*".equals(environment), key.everyEnvironment());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "p1", "/production", "p1/"})
    void aPayloadNamingNoEnvironmentIsIgnored(String payload) {
        assertNull(EnvironmentKey.parse(payload));
    }

    @ParameterizedTest(name = "stored {0}, expected {1}")
    @CsvSource(nullValues = "null", value = {"null,0", "3,0", "null,-1", "3,3"})
    void versionsThatMatchPass(Long stored, long expected) {
        ExpectedVersion.check("flag", "beta", stored, expected);
    }

    @ParameterizedTest(name = "stored {0}, expected {1}")
    @CsvSource(nullValues = "null", value = {"3,-1,already exists", "3,2,is at version 3, not 2",
            "null,2,is at version none (deleted), not 2"})
    void versionsThatDoNotAreConflicts(Long stored, long expected, String message) {
        RefusedRequest refused = assertThrows(RefusedRequest.class,
                () -> ExpectedVersion.check("flag", "beta", stored, expected));
        assertEquals(Refusal.CONFLICT, refused.refusal());
        assertTrue(refused.getMessage().startsWith("flag 'beta' "), refused.getMessage());
        assertTrue(refused.getMessage().contains(message), refused.getMessage());
        assertEquals(Status.Code.ABORTED, refused.toStatus().getStatus().getCode());
    }

    @Test
    void oneAuditEntryFillsEveryServicesAuditMessage() {
        Instant at = Instant.parse("2026-12-02T10:00:00Z");
        AuditEntry entry = new AuditEntry(7, "production", "beta", "updated", "key:k1", at, "{\"a\":1}", null, 4, 9,
                "");
        // the common message has an environment but no environment version
        dev.flywheel.proto.common.v1.AuditEntry common = entry.toProto(
                dev.flywheel.proto.common.v1.AuditEntry.newBuilder());
        assertEquals(7, common.getId());
        assertEquals("production", common.getEnvironment());
        assertEquals("beta", common.getKey());
        assertEquals("key:k1", common.getActor());
        assertEquals(at.getEpochSecond(), common.getAt().getSeconds());
        assertEquals("{\"a\":1}", common.getBeforeJson());
        assertEquals("", common.getAfterJson(), "absent stays unset");
        assertEquals(4, common.getVersion());
        // the flags message has an environment version but no environment
        dev.flywheel.proto.flags.v1.AuditEntry flags = entry.toProto(
                dev.flywheel.proto.flags.v1.AuditEntry.newBuilder());
        assertEquals(9, flags.getEnvironmentVersion());
        assertEquals("updated", flags.getAction());
        dev.flywheel.proto.experiments.v1.AuditEntry experiments = entry.toProto(
                dev.flywheel.proto.experiments.v1.AuditEntry.newBuilder());
        assertEquals("production", experiments.getEnvironment());
        assertEquals("", experiments.getComment());
    }

    @Test
    void pagesHoldFiftyUnlessAskedAndFiveHundredAtMost() {
        assertEquals(50, AuditEntry.pageSize(0));
        assertEquals(50, AuditEntry.pageSize(-3));
        assertEquals(20, AuditEntry.pageSize(20));
        assertEquals(500, AuditEntry.pageSize(10_000));
    }
}
