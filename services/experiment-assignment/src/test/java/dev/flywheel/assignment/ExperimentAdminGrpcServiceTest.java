package dev.flywheel.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.flywheel.proto.experiments.v1.AuditEntry;
import dev.flywheel.proto.experiments.v1.ChangeStatusRequest;
import dev.flywheel.proto.experiments.v1.DeleteExperimentRequest;
import dev.flywheel.proto.experiments.v1.ExperimentAdminServiceGrpc;
import dev.flywheel.proto.experiments.v1.ExperimentRecord;
import dev.flywheel.proto.experiments.v1.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.GetExperimentRequest;
import dev.flywheel.proto.experiments.v1.GetSettingsRequest;
import dev.flywheel.proto.experiments.v1.ListAuditRequest;
import dev.flywheel.proto.experiments.v1.ListExperimentsRequest;
import dev.flywheel.proto.experiments.v1.ProjectSettings;
import dev.flywheel.proto.experiments.v1.PutExperimentRequest;
import dev.flywheel.proto.experiments.v1.PutExperimentResponse;
import dev.flywheel.proto.experiments.v1.PutSettingsRequest;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ExperimentAdminGrpcServiceTest {

    static final String CHECKOUT = """
            {"name": "One-page checkout", "hypothesis": "Fewer steps, more orders",
             "variations": [{"key": "control", "value": false}, {"key": "one-page", "value": true}],
             "metrics": {"primary": ["order completed"], "guardrails": ["refund requested"]}}""";

    final AssignmentGrpc grpc = new AssignmentGrpc();

    @AfterEach
    void close() {
        grpc.close();
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    @Test
    void anExperimentGoesFromDraftToRunningToStoppedAndEveryStepIsAudited() {
        var admin = grpc.admin(TestKeys.ADMIN_A);
        PutExperimentResponse created = admin.putExperiment(PutExperimentRequest.newBuilder()
                .setEnvironment("lifecycle").setKey("one-page-checkout").setDefinitionJson(CHECKOUT)
                .setComment("first draft").build());
        assertTrue(created.getCreated());
        assertEquals(ExperimentStatus.EXPERIMENT_STATUS_DRAFT, created.getExperiment().getStatus());

        ExperimentRecord running = admin.changeStatus(ChangeStatusRequest.newBuilder().setEnvironment("lifecycle")
                .setKey("one-page-checkout").setStatus(ExperimentStatus.EXPERIMENT_STATUS_RUNNING).build());
        assertTrue(running.hasStartedAt());
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> admin.changeStatus(ChangeStatusRequest.newBuilder()
                .setEnvironment("lifecycle").setKey("one-page-checkout")
                .setStatus(ExperimentStatus.EXPERIMENT_STATUS_DRAFT).build())));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> admin.deleteExperiment(DeleteExperimentRequest
                .newBuilder().setEnvironment("lifecycle").setKey("one-page-checkout").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> admin.changeStatus(ChangeStatusRequest.newBuilder()
                .setEnvironment("lifecycle").setKey("one-page-checkout")
                .setStatus(ExperimentStatus.EXPERIMENT_STATUS_STOPPED).setReleasedVariation("two-page").build())));

        ExperimentRecord stopped = admin.changeStatus(ChangeStatusRequest.newBuilder().setEnvironment("lifecycle")
                .setKey("one-page-checkout").setStatus(ExperimentStatus.EXPERIMENT_STATUS_STOPPED)
                .setReleasedVariation("one-page").setComment("ship it").build());
        assertEquals("one-page", stopped.getReleasedVariation());
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> admin.changeStatus(ChangeStatusRequest.newBuilder()
                .setEnvironment("lifecycle").setKey("one-page-checkout")
                .setStatus(ExperimentStatus.EXPERIMENT_STATUS_RUNNING).build())));
        // the released variation must stay in the definition
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> admin.putExperiment(PutExperimentRequest.newBuilder()
                .setEnvironment("lifecycle").setKey("one-page-checkout").setDefinitionJson(
                        "{\"variations\": [{\"key\": \"control\"}, {\"key\": \"other\"}]}")
                .build())));

        List<AuditEntry> audit = admin.listAudit(ListAuditRequest.newBuilder().setEnvironment("lifecycle")
                .setKey("one-page-checkout").build()).getEntriesList();
        assertEquals(List.of("stopped", "started", "created"), audit.stream().map(AuditEntry::getAction).toList());
        assertEquals("ship it", audit.get(0).getComment());
        assertEquals("{\"status\":\"STOPPED\",\"releasedVariation\":\"one-page\"}", audit.get(0).getAfterJson());
        assertTrue(audit.get(2).getActor().startsWith("key:"));
    }

    @Test
    void aRejectedDefinitionListsEveryProblemByItsPointer() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.admin(TestKeys.ADMIN_A)
                .putExperiment(PutExperimentRequest.newBuilder().setEnvironment("production").setKey("broken")
                        .setDefinitionJson("{\"variations\": [{\"key\": \"a\"}], \"coverage\": 2, \"hashVersion\": 7}")
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        String description = e.getStatus().getDescription();
        assertTrue(description.contains("/variations:") && description.contains("/coverage:")
                && description.contains("/hashVersion:"), description);
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> grpc.admin(TestKeys.ADMIN_A).putExperiment(
                PutExperimentRequest.newBuilder().setEnvironment("production").setKey("bad json")
                        .setDefinitionJson("{").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> grpc.admin(TestKeys.ADMIN_A).putExperiment(
                PutExperimentRequest.newBuilder().setEnvironment("Not An Env").setKey("x").setDefinitionJson(CHECKOUT)
                        .build())));
    }

    @Test
    void versionsGuardConcurrentEditsAndDraftsCanBeDeleted() {
        var admin = grpc.admin(TestKeys.ADMIN_A);
        ExperimentRecord first = admin.putExperiment(PutExperimentRequest.newBuilder().setEnvironment("versions")
                .setKey("draft").setDefinitionJson(CHECKOUT).setExpectedVersion(-1).build()).getExperiment();
        assertEquals(Status.Code.ABORTED, code(() -> admin.putExperiment(PutExperimentRequest.newBuilder()
                .setEnvironment("versions").setKey("draft").setDefinitionJson(CHECKOUT).setExpectedVersion(-1)
                .build())));
        assertEquals(Status.Code.ABORTED, code(() -> admin.putExperiment(PutExperimentRequest.newBuilder()
                .setEnvironment("versions").setKey("draft").setDefinitionJson(CHECKOUT.replace("Fewer", "Less"))
                .setExpectedVersion(first.getVersion() + 5).build())));
        admin.deleteExperiment(DeleteExperimentRequest.newBuilder().setEnvironment("versions").setKey("draft")
                .setExpectedVersion(first.getVersion()).build());
        assertEquals(Status.Code.NOT_FOUND, code(() -> admin.getExperiment(GetExperimentRequest.newBuilder()
                .setEnvironment("versions").setKey("draft").build())));
    }

    @Test
    void onlyAdminKeysOfTheProjectManageItsExperiments() {
        grpc.admin(TestKeys.ADMIN_A).putExperiment(PutExperimentRequest.newBuilder().setEnvironment("tenancy")
                .setKey("private").setDefinitionJson(CHECKOUT).build());
        assertEquals(0, grpc.admin(TestKeys.ADMIN_B).listExperiments(ListExperimentsRequest.newBuilder()
                .setEnvironment("tenancy").build()).getExperimentsCount());
        assertEquals(Status.Code.NOT_FOUND, code(() -> grpc.admin(TestKeys.ADMIN_B).getExperiment(
                GetExperimentRequest.newBuilder().setEnvironment("tenancy").setKey("private").build())));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> grpc.admin(TestKeys.SERVER_A).listExperiments(
                ListExperimentsRequest.newBuilder().setEnvironment("tenancy").build())));
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> ExperimentAdminServiceGrpc.newBlockingStub(grpc.channel)
                .getSettings(GetSettingsRequest.getDefaultInstance())));
    }

    @Test
    void theHoldoutIsBetweenZeroAndHalfAndAudited() {
        var admin = grpc.admin(TestKeys.ADMIN_B);
        assertEquals(0.0, admin.getSettings(GetSettingsRequest.getDefaultInstance()).getHoldoutShare());
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> admin.putSettings(PutSettingsRequest.newBuilder()
                .setSettings(ProjectSettings.newBuilder().setHoldoutShare(0.9)).build())));
        ProjectSettings set = admin.putSettings(PutSettingsRequest.newBuilder()
                .setSettings(ProjectSettings.newBuilder().setHoldoutShare(0.05)).setComment("global holdout").build());
        assertEquals(0.05, set.getHoldoutShare());
        assertEquals("settings", admin.listAudit(ListAuditRequest.getDefaultInstance()).getEntries(0).getAction());
    }
}
