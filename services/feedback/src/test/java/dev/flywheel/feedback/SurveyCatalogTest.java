package dev.flywheel.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.flywheel.feedback.service.SurveySnapshots;
import dev.flywheel.proto.common.v1.AuditEntry;
import dev.flywheel.proto.feedback.v1.DeleteSurveyRequest;
import dev.flywheel.proto.feedback.v1.ListSurveyAuditRequest;
import dev.flywheel.proto.feedback.v1.PutSurveyRequest;
import dev.flywheel.proto.feedback.v1.SetSurveyStatusRequest;
import dev.flywheel.proto.feedback.v1.SurveyAdminServiceGrpc;
import dev.flywheel.proto.feedback.v1.SurveyStatus;
import dev.flywheel.testsupport.TestGrpc;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Surveys as a catalogue: every change audited (who, what, before and after), and every replica told of it. */
@QuarkusTest
class SurveyCatalogTest {

    @Inject
    Pool pool;

    @Inject
    SurveySnapshots snapshots;

    @Test
    void everyChangeIsAuditedNewestFirstAndPaged() {
        String environment = "catalogue-" + UUID.randomUUID().toString().substring(0, 8);
        String key = "onboarding";
        ManagedChannel channel = TestGrpc.channel();
        try {
            var admin = TestKeys.ADMIN_A.on(SurveyAdminServiceGrpc.newBlockingStub(channel));
            var created = admin.putSurvey(PutSurveyRequest.newBuilder().setEnvironment(environment).setKey(key)
                    .setDefinitionJson(SurveyServingTest.NPS).setExpectedVersion(-1).build());
            assertEquals(1, created.getVersion());
            String renamed = SurveyServingTest.NPS.replace("Billing NPS", "Billing NPS, renamed");
            var updated = admin.putSurvey(PutSurveyRequest.newBuilder().setEnvironment(environment).setKey(key)
                    .setDefinitionJson(renamed).setExpectedVersion(1).build());
            assertEquals(2, updated.getVersion());
            // A writer that read version 1 is refused, and nothing is audited for it.
            assertEquals(Status.Code.ABORTED, SurveyServingTest.code(() -> admin.putSurvey(PutSurveyRequest
                    .newBuilder().setEnvironment(environment).setKey(key).setDefinitionJson(SurveyServingTest.NPS)
                    .setExpectedVersion(1).build())));
            var running = admin.setSurveyStatus(SetSurveyStatusRequest.newBuilder().setEnvironment(environment)
                    .setKey(key).setStatus(SurveyStatus.SURVEY_STATUS_RUNNING).setExpectedVersion(2).build());
            assertEquals(3, running.getVersion());
            admin.deleteSurvey(DeleteSurveyRequest.newBuilder().setEnvironment(environment).setKey(key)
                    .setExpectedVersion(3).build());

            List<AuditEntry> entries = admin.listSurveyAudit(ListSurveyAuditRequest.newBuilder()
                    .setEnvironment(environment).build()).getEntriesList();
            assertEquals(List.of("deleted", "started", "updated", "created"),
                    entries.stream().map(AuditEntry::getAction).toList());
            entries.forEach(entry -> {
                assertEquals(key, entry.getKey());
                assertEquals(environment, entry.getEnvironment());
                assertTrue(entry.getActor().startsWith("key:"), entry.getActor());
                assertTrue(entry.hasAt());
            });
            AuditEntry create = entries.get(3);
            assertEquals("", create.getBeforeJson());
            assertEquals(SurveyServingTest.NPS, create.getAfterJson());
            assertEquals(1, create.getVersion());
            AuditEntry update = entries.get(2);
            assertEquals(SurveyServingTest.NPS, update.getBeforeJson());
            assertEquals(renamed, update.getAfterJson());
            AuditEntry start = entries.get(1);
            assertEquals("{\"status\":\"draft\"}", start.getBeforeJson());
            assertEquals("{\"status\":\"running\"}", start.getAfterJson());
            AuditEntry delete = entries.get(0);
            assertEquals(renamed, delete.getBeforeJson());
            assertEquals("", delete.getAfterJson());

            // Pages: newest first, each starting below the last id of the one before.
            var first = admin.listSurveyAudit(ListSurveyAuditRequest.newBuilder().setEnvironment(environment)
                    .setPageSize(3).build()).getEntriesList();
            var second = admin.listSurveyAudit(ListSurveyAuditRequest.newBuilder().setEnvironment(environment)
                    .setPageSize(3).setBeforeId(first.get(2).getId()).build()).getEntriesList();
            assertEquals(3, first.size());
            assertEquals(List.of("created"), second.stream().map(AuditEntry::getAction).toList());
            // One survey's entries only, and another environment's log is its own.
            assertEquals(4, admin.listSurveyAudit(ListSurveyAuditRequest.newBuilder().setEnvironment(environment)
                    .setKey(key).build()).getEntriesCount());
            assertEquals(0, admin.listSurveyAudit(ListSurveyAuditRequest.newBuilder().setEnvironment(environment)
                    .setKey("other").build()).getEntriesCount());
            assertEquals(0, TestKeys.ADMIN_B.on(SurveyAdminServiceGrpc.newBlockingStub(channel))
                    .listSurveyAudit(ListSurveyAuditRequest.newBuilder().setEnvironment(environment).build())
                    .getEntriesCount());
            assertEquals(Status.Code.INVALID_ARGUMENT, SurveyServingTest.code(() -> admin.listSurveyAudit(
                    ListSurveyAuditRequest.newBuilder().setEnvironment("Not An Environment").build())));
            assertEquals(Status.Code.PERMISSION_DENIED, SurveyServingTest.code(() -> TestKeys.SERVER_A
                    .on(SurveyAdminServiceGrpc.newBlockingStub(channel))
                    .listSurveyAudit(ListSurveyAuditRequest.newBuilder().setEnvironment(environment).build())));
        } finally {
            channel.shutdownNow();
        }
    }

    /** A change committed by another replica reaches this one's running surveys through the change channel. */
    @Test
    void aChangeAnnouncedByAnotherReplicaIsServedHere() throws Exception {
        String environment = "replica-" + UUID.randomUUID().toString().substring(0, 8);
        String project = TestKeys.ADMIN_A.projectId;
        assertTrue(snapshots.running(project, environment).await().indefinitely().isEmpty());
        // What another replica's catalogue commits: the survey, the environment's new version, the notification.
        pool.withTransaction(connection -> connection.preparedQuery("""
                INSERT INTO survey (project_id, environment, survey_key, definition, status, version, updated_at)
                VALUES ($1, $2, 'elsewhere', $3, $4, 1, now())""").execute(Tuple.of(project, environment,
                SurveyServingTest.NPS, (short) SurveyStatus.SURVEY_STATUS_RUNNING.getNumber()))
                .chain(() -> connection.preparedQuery("""
                        INSERT INTO survey_environment (project_id, environment, version) VALUES ($1, $2, 1)""")
                        .execute(Tuple.of(project, environment)))
                .chain(() -> connection.preparedQuery("SELECT pg_notify('flywheel_survey_changes', $1)")
                        .execute(Tuple.of(project + "/" + environment))))
                .await().indefinitely();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        boolean served = false;
        while (!served && Instant.now().isBefore(deadline)) {
            served = snapshots.running(project, environment).await().indefinitely().containsKey("elsewhere");
            if (!served) {
                Thread.sleep(50);
            }
        }
        assertTrue(served, "the notified change was not loaded");
        assertFalse(snapshots.running(project, "never-" + environment).await().indefinitely()
                .containsKey("elsewhere"));
    }
}
