package dev.flywheel.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.flywheel.proto.experiments.v1.ExperimentRecord;
import dev.flywheel.proto.experiments.v1.ExperimentSnapshot;
import dev.flywheel.proto.experiments.v1.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.ExperimentSyncServiceGrpc;
import dev.flywheel.proto.experiments.v1.SyncExperimentsRequest;
import dev.flywheel.service.auth.KeyRevocations;
import dev.flywheel.testsupport.KeyDirectoryResource;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;

/** flywheel.experiments.v1.ExperimentSyncService: the snapshot an in-process SDK assigns from, kept current. */
@QuarkusTest
class ExperimentSyncTest {

    static final String TWO_WAY = """
            {"variations": [{"key": "control", "value": "blue", "weight": 0.5},
                            {"key": "treatment", "value": "green", "weight": 0.5}]}""";

    final AssignmentGrpc grpc = new AssignmentGrpc();

    @AfterEach
    void close() {
        grpc.close();
    }

    @Test
    void theSnapshotComesAtOnceAndAgainWithinASecondOfAChange() {
        grpc.running(TestKeys.ADMIN_A, "staging", "sync-first", TWO_WAY);
        Iterator<ExperimentSnapshot> stream = TestKeys.SERVER_A_STAGING.on(
                ExperimentSyncServiceGrpc.newBlockingStub(grpc.channel))
                .syncExperiments(SyncExperimentsRequest.newBuilder().setClient("test/1").build());
        ExperimentSnapshot first = stream.next();
        assertEquals("project-a", first.getProjectId());
        assertEquals("staging", first.getEnvironment());
        ExperimentRecord synced = find(first, "sync-first");
        assertEquals(ExperimentStatus.EXPERIMENT_STATUS_RUNNING, synced.getStatus());
        assertTrue(synced.getDefinitionJson().contains("treatment"), synced::toString);

        long started = System.nanoTime();
        grpc.running(TestKeys.ADMIN_A, "staging", "sync-second", TWO_WAY);
        ExperimentSnapshot next = stream.next();
        while (!has(next, "sync-second")
                || find(next, "sync-second").getStatus() != ExperimentStatus.EXPERIMENT_STATUS_RUNNING) {
            next = stream.next();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 1000, "the change reached the stream after " + millis + " ms");
        assertTrue(next.getVersion() > first.getVersion());
    }

    @Test
    void onlyServerKeysSyncAndARevokedKeysStreamEnds() {
        var anonymous = ExperimentSyncServiceGrpc.newBlockingStub(grpc.channel).withDeadlineAfter(20,
                TimeUnit.SECONDS);
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> anonymous.syncExperiments(
                SyncExperimentsRequest.getDefaultInstance()).next()));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> TestKeys.CLIENT_A.on(ExperimentSyncServiceGrpc
                .newBlockingStub(grpc.channel)).syncExperiments(SyncExperimentsRequest.getDefaultInstance())
                .next()));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> TestKeys.ADMIN_A.on(ExperimentSyncServiceGrpc
                .newBlockingStub(grpc.channel)).syncExperiments(SyncExperimentsRequest.getDefaultInstance())
                .next()));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> TestKeys.SERVER_A.on(ExperimentSyncServiceGrpc
                .newBlockingStub(grpc.channel)).syncExperiments(SyncExperimentsRequest.newBuilder()
                        .setClient("c".repeat(300)).build())
                .next()));

        String key = TestKeys.serverKeyOf("experiment-sync-" + UUID.randomUUID());
        Iterator<ExperimentSnapshot> stream = TestKeys.presenting(ExperimentSyncServiceGrpc.newBlockingStub(
                grpc.channel), key).syncExperiments(SyncExperimentsRequest.getDefaultInstance());
        assertEquals(0, stream.next().getExperimentsCount());
        KeyDirectoryResource.revokeAndNotify(key, KeyRevocations.CHANNEL, KeyRevocations.payload(key));
        StatusRuntimeException ended = assertThrows(StatusRuntimeException.class, stream::hasNext);
        assertEquals(Status.Code.UNAUTHENTICATED, ended.getStatus().getCode());
    }

    private static boolean has(ExperimentSnapshot snapshot, String key) {
        return snapshot.getExperimentsList().stream().anyMatch(e -> e.getKey().equals(key));
    }

    private static ExperimentRecord find(ExperimentSnapshot snapshot, String key) {
        return snapshot.getExperimentsList().stream().filter(e -> e.getKey().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(key + " is not in " + snapshot));
    }

    private static Status.Code code(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }
}
