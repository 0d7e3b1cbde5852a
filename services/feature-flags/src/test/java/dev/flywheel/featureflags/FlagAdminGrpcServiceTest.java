package dev.flywheel.featureflags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.flags.v1.AuditEntry;
import dev.flywheel.proto.flags.v1.DeleteFlagRequest;
import dev.flywheel.proto.flags.v1.EvaluateFlagsRequest;
import dev.flywheel.proto.flags.v1.ExportFlagsRequest;
import dev.flywheel.proto.flags.v1.FlagEvaluationServiceGrpc;
import dev.flywheel.proto.flags.v1.FlagRecord;
import dev.flywheel.proto.flags.v1.GetFlagRequest;
import dev.flywheel.proto.flags.v1.ImportFlagsRequest;
import dev.flywheel.proto.flags.v1.ImportFlagsResponse;
import dev.flywheel.proto.flags.v1.ImportMode;
import dev.flywheel.proto.flags.v1.ListAuditRequest;
import dev.flywheel.proto.flags.v1.ListFlagsRequest;
import dev.flywheel.proto.flags.v1.PutFlagRequest;
import dev.flywheel.proto.flags.v1.PutFlagResponse;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class FlagAdminGrpcServiceTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource
    URL url;

    FlagsGrpc grpc;

    @BeforeEach
    void connect() {
        grpc = new FlagsGrpc(url);
    }

    @AfterEach
    void disconnect() {
        grpc.close();
    }

    @Test
    void anAdminKeyTriesAFlagInAnyEnvironmentOfItsProjectAndOthersCannot() {
        grpc.admin(TestKeys.ADMIN_A).importFlags(ImportFlagsRequest.newBuilder().setEnvironment("try-test")
                .setDocumentJson("{\"flags\":{\"beta\":{\"state\":\"ENABLED\",\"variants\":{\"on\":true,"
                        + "\"off\":false},\"defaultVariant\":\"off\",\"targeting\":{\"if\":[{\"ends_with\":"
                        + "[{\"var\":\"email\"},\"@example.com\"]},\"on\"]}}}}")
                .build());
        var tried = FlagsGrpc.withHeader(FlagEvaluationServiceGrpc.newBlockingStub(grpc.channel), "authorization",
                "Bearer " + TestKeys.ADMIN_A.key).evaluateFlags(
                        EvaluateFlagsRequest.newBuilder()
                                .setEnvironment("try-test").setKey("beta")
                                .setContext(Struct.newBuilder().putFields("email",
                                        Value.newBuilder().setStringValue("ana@example.com").build()))
                                .build());
        assertEquals("on", tried.getFlags(0).getVariant());
        assertEquals("TARGETING_MATCH", tried.getFlags(0).getReason());
        // a client key evaluates in its own environment only; an admin key without an environment has none
        for (TestKeys key : List.of(TestKeys.CLIENT_A, TestKeys.ADMIN_A)) {
            EvaluateFlagsRequest.Builder request = EvaluateFlagsRequest.newBuilder().setKey("beta");
            if (key == TestKeys.CLIENT_A) {
                request.setEnvironment("try-test");
            }
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> FlagsGrpc.withHeader(
                    FlagEvaluationServiceGrpc.newBlockingStub(grpc.channel), "authorization", "Bearer " + key.key)
                    .evaluateFlags(request.build()));
            assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        }
        StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class, () -> FlagsGrpc.withHeader(
                FlagEvaluationServiceGrpc.newBlockingStub(grpc.channel), "authorization", "Bearer "
                        + TestKeys.ADMIN_A.key)
                .evaluateFlags(EvaluateFlagsRequest.newBuilder()
                        .setEnvironment("prod\u0000").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
    }

    @Test
    void importThenExportGivesTheDocumentBack() throws Exception {
        String document = FlagsGrpc.resource("/flags/checkout-flags.json");
        ImportFlagsResponse imported = grpc.admin(TestKeys.ADMIN_A).importFlags(ImportFlagsRequest.newBuilder()
                .setEnvironment("export-test").setDocumentJson(document).setMode(ImportMode.IMPORT_MODE_REPLACE)
                .build());
        assertEquals(10, imported.getCreatedCount());
        assertTrue(imported.getWarningsList().stream().anyMatch(w -> w.startsWith("/flags/bad-operator/targeting")),
                imported.getWarningsList()::toString);

        String exported = grpc.admin(TestKeys.ADMIN_A)
                .exportFlags(ExportFlagsRequest.newBuilder().setEnvironment("export-test").build()).getDocumentJson();
        assertEquals(JSON.readTree(document), JSON.readTree(exported));
        assertEquals(keysInOrder(document), keysInOrder(exported));

        // importing the same document again changes nothing and bumps no version
        ImportFlagsResponse again = grpc.admin(TestKeys.ADMIN_A).importFlags(ImportFlagsRequest.newBuilder()
                .setEnvironment("export-test").setDocumentJson(document).build());
        assertEquals(10, again.getUnchangedCount());
        assertEquals(imported.getEnvironmentVersion(), again.getEnvironmentVersion());
    }

    @Test
    void replaceDeletesWhatTheDocumentLacksAndMergeKeepsIt() {
        var admin = grpc.admin(TestKeys.ADMIN_A);
        admin.importFlags(ImportFlagsRequest.newBuilder().setEnvironment("replace-test")
                .setDocumentJson(FlagsGrpc.resource("/flags/checkout-flags.json")).build());
        String one = "{\"flags\":{\"new-checkout\":{\"state\":\"DISABLED\",\"variants\":{\"on\":true,\"off\":false},"
                + "\"defaultVariant\":\"off\"},\"extra\":{\"state\":\"ENABLED\",\"variants\":{\"a\":\"a\"},\"defaultVariant\":\"a\"}}}";
        ImportFlagsResponse merged = admin.importFlags(ImportFlagsRequest.newBuilder().setEnvironment("replace-test")
                .setDocumentJson(one).setMode(ImportMode.IMPORT_MODE_MERGE).build());
        assertEquals(List.of("extra"), merged.getCreatedList());
        assertEquals(List.of("new-checkout"), merged.getUpdatedList());
        assertEquals(0, merged.getDeletedCount());
        assertEquals(11, admin.listFlags(ListFlagsRequest.newBuilder().setEnvironment("replace-test").build())
                .getFlagsCount());

        ImportFlagsResponse replaced = admin.importFlags(ImportFlagsRequest.newBuilder()
                .setEnvironment("replace-test").setDocumentJson(one).setMode(ImportMode.IMPORT_MODE_REPLACE).build());
        assertEquals(9, replaced.getDeletedCount());
        assertEquals(2, admin.listFlags(ListFlagsRequest.newBuilder().setEnvironment("replace-test").build())
                .getFlagsCount());
    }

    @Test
    void aBadDocumentIsRejectedWholeWithEveryProblem() {
        String bad = "{\"flags\":{\"good\":{\"state\":\"ENABLED\",\"variants\":{\"a\":1},\"defaultVariant\":\"a\"},"
                + "\"bad\":{\"state\":\"ENABLED\",\"variants\":{\"on\":true},\"defaultVariant\":\"missing\"},"
                + "\"worse\":{\"state\":\"MAYBE\",\"variants\":{\"x\":1,\"y\":\"1\"}}}}";
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> grpc.admin(TestKeys.ADMIN_A).importFlags(ImportFlagsRequest.newBuilder()
                        .setEnvironment("rejected-test").setDocumentJson(bad).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        String description = e.getStatus().getDescription();
        assertTrue(description.contains("/flags/bad/defaultVariant: names variant 'missing'"), description);
        assertTrue(description.contains("/flags/worse/state"), description);
        assertTrue(description.contains("/flags/worse/variants/y"), description);
        assertEquals(0, grpc.admin(TestKeys.ADMIN_A)
                .listFlags(ListFlagsRequest.newBuilder().setEnvironment("rejected-test").build()).getFlagsCount());
    }

    @Test
    void everyChangeIsVersionedAndAudited() {
        var admin = grpc.admin(TestKeys.ADMIN_A);
        String v1 = "{\"state\":\"ENABLED\",\"variants\":{\"on\":true,\"off\":false},\"defaultVariant\":\"off\"}";
        String v2 = "{\"state\":\"ENABLED\",\"variants\":{\"on\":true,\"off\":false},\"defaultVariant\":\"on\"}";
        PutFlagResponse created = admin.putFlag(PutFlagRequest.newBuilder().setEnvironment("audit-test")
                .setKey("beta").setDefinitionJson(v1).setExpectedVersion(-1).setComment("start dark").build());
        assertTrue(created.getCreated());
        long version = created.getFlag().getVersion();

        // creating again is a conflict; updating from a stale version too
        StatusRuntimeException exists = assertThrows(StatusRuntimeException.class, () -> admin.putFlag(PutFlagRequest
                .newBuilder().setEnvironment("audit-test").setKey("beta").setDefinitionJson(v1).setExpectedVersion(-1)
                .build()));
        assertEquals(Status.Code.ABORTED, exists.getStatus().getCode());
        PutFlagResponse updated = admin.putFlag(PutFlagRequest.newBuilder().setEnvironment("audit-test")
                .setKey("beta").setDefinitionJson(v2).setExpectedVersion(version).setComment("launch").build());
        assertFalse(updated.getCreated());
        assertTrue(updated.getFlag().getVersion() > version);
        StatusRuntimeException stale = assertThrows(StatusRuntimeException.class, () -> admin.putFlag(PutFlagRequest
                .newBuilder().setEnvironment("audit-test").setKey("beta").setDefinitionJson(v1)
                .setExpectedVersion(version).build()));
        assertEquals(Status.Code.ABORTED, stale.getStatus().getCode());

        FlagRecord read = admin
                .getFlag(GetFlagRequest.newBuilder().setEnvironment("audit-test").setKey("beta").build());
        assertEquals(v2, read.getDefinitionJson());
        assertEquals("key:admin_a", read.getUpdatedBy());

        admin.deleteFlag(DeleteFlagRequest.newBuilder().setEnvironment("audit-test").setKey("beta")
                .setComment("cleanup").build());
        StatusRuntimeException gone = assertThrows(StatusRuntimeException.class,
                () -> admin.getFlag(GetFlagRequest.newBuilder().setEnvironment("audit-test").setKey("beta").build()));
        assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());

        List<AuditEntry> audit = admin.listAudit(ListAuditRequest.newBuilder().setEnvironment("audit-test")
                .setKey("beta").build()).getEntriesList();
        assertEquals(List.of("deleted", "updated", "created"), audit.stream().map(AuditEntry::getAction).toList());
        assertEquals(List.of("cleanup", "launch", "start dark"), audit.stream().map(AuditEntry::getComment).toList());
        assertEquals(v1, audit.get(1).getBeforeJson());
        assertEquals(v2, audit.get(1).getAfterJson());
        assertTrue(audit.stream().allMatch(a -> a.getActor().equals("key:admin_a") && a.getAt().getSeconds() > 0));
    }

    @Test
    void aBadFlagDefinitionIsRejected() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.admin(TestKeys.ADMIN_A)
                .putFlag(PutFlagRequest.newBuilder().setEnvironment("audit-test").setKey("broken")
                        .setDefinitionJson("{\"state\":\"ENABLED\",\"variants\":{\"a\":1},\"defaultVariant\":\"b\"}")
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("/flags/broken/defaultVariant"));
        StatusRuntimeException notJson = assertThrows(StatusRuntimeException.class, () -> grpc.admin(TestKeys.ADMIN_A)
                .putFlag(PutFlagRequest.newBuilder().setEnvironment("audit-test").setKey("broken")
                        .setDefinitionJson("{not json").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, notJson.getStatus().getCode());
        StatusRuntimeException badEnvironment = assertThrows(StatusRuntimeException.class,
                () -> grpc.admin(TestKeys.ADMIN_A).listFlags(ListFlagsRequest.newBuilder().setEnvironment("Prod!")
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badEnvironment.getStatus().getCode());
    }

    @Test
    void onlyAdminKeysManageAndOnlyTheirOwnProject() {
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                () -> grpc.admin(TestKeys.SERVER_A).listFlags(ListFlagsRequest.newBuilder()
                        .setEnvironment("production").build()))
                .getStatus().getCode());
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> FlagsGrpc
                        .withHeader(dev.flywheel.proto.flags.v1.FlagAdminServiceGrpc.newBlockingStub(grpc.channel),
                                "authorization", "Bearer fw_admin_unknown")
                        .listFlags(ListFlagsRequest.newBuilder()
                                .setEnvironment("production").build()))
                .getStatus().getCode());
        grpc.admin(TestKeys.ADMIN_A).putFlag(PutFlagRequest.newBuilder().setEnvironment("isolation-test")
                .setKey("secret")
                .setDefinitionJson("{\"state\":\"ENABLED\",\"variants\":{\"a\":1},\"defaultVariant\":\"a\"}")
                .build());
        assertEquals(0, grpc.admin(TestKeys.ADMIN_B).listFlags(ListFlagsRequest.newBuilder()
                .setEnvironment("isolation-test").build()).getFlagsCount());
    }

    private static List<String> keysInOrder(String document) throws Exception {
        JsonNode flags = JSON.readTree(document).get("flags");
        List<String> keys = new java.util.ArrayList<>();
        flags.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
