package dev.flywheel.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.experiments.v1.AssignAllRequest;
import dev.flywheel.proto.experiments.v1.AssignRequest;
import dev.flywheel.proto.experiments.v1.AssignResponse;
import dev.flywheel.proto.experiments.v1.Assignment;
import dev.flywheel.proto.experiments.v1.AssignmentReason;
import dev.flywheel.proto.experiments.v1.ChangeStatusRequest;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc;
import dev.flywheel.proto.experiments.v1.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.ProjectSettings;
import dev.flywheel.proto.experiments.v1.PutExperimentRequest;
import dev.flywheel.proto.experiments.v1.PutSettingsRequest;
import dev.flywheel.proto.experiments.v1.RecordExposuresRequest;
import dev.flywheel.testsupport.TestKeys;
import dev.flywheel.testsupport.TopicReader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ExperimentAssignmentGrpcServiceTest {

    static final String EVEN = """
            {"variations": [{"key": "control", "value": "blue", "weight": 0.5},
                            {"key": "treatment", "value": "green", "weight": 0.5}]%s}""";

    final AssignmentGrpc grpc = new AssignmentGrpc();

    @AfterEach
    void close() {
        grpc.close();
    }

    private Assignment assign(TestKeys key, String experiment, Map<String, Object> attributes) {
        return grpc.assigner(key).assign(AssignRequest.newBuilder().setExperimentKey(experiment)
                .setAttributes(AssignmentGrpc.attributes(attributes)).build()).getAssignment();
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    private static List<Event> exposures(String experiment, int expected, Duration wait) {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(bootstrap, "flywheel.events.v1",
                r -> experiment.equals(parse(r.value()).getProperties().getFieldsOrDefault("experiment_key",
                        com.google.protobuf.Value.getDefaultInstance()).getStringValue()),
                expected, wait);
        return records.stream().map(r -> parse(r.value())).toList();
    }

    private static Event parse(byte[] bytes) {
        try {
            return Event.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theFirstAssignmentSendsOneExposureAndRepeatsSendNone() {
        grpc.running(TestKeys.ADMIN_A, "production", "exposure-test", EVEN.formatted(""));
        for (int user = 0; user < 5; user++) {
            for (int repeat = 0; repeat < 3; repeat++) {
                Assignment a = assign(TestKeys.SERVER_A, "exposure-test", Map.of("id", "exposed-" + user));
                assertTrue(a.getInExperiment());
            }
        }
        List<Event> sent = exposures("exposure-test", Integer.MAX_VALUE, Duration.ofSeconds(4));
        assertEquals(5, sent.size(), sent::toString);
        Event first = sent.stream().filter(e -> e.getDistinctId().equals("exposed-0")).findFirst().orElseThrow();
        assertEquals("$exposure", first.getName());
        assertEquals(EventSource.EVENT_SOURCE_INTERNAL, first.getSource());
        assertEquals("project-a", first.getScope().getProjectId());
        assertEquals("production", first.getScope().getEnvironment());
        assertEquals("id", first.getProperties().getFieldsOrThrow("hash_attribute").getStringValue());
        Assignment again = assign(TestKeys.SERVER_A, "exposure-test", Map.of("id", "exposed-0"));
        assertEquals(again.getVariationKey(),
                first.getProperties().getFieldsOrThrow("variation_key").getStringValue());
        assertEquals(again.getBucket(), first.getProperties().getFieldsOrThrow("bucket").getNumberValue());
        assertEquals(List.of(0.5, 0.5), first.getProperties().getFieldsOrThrow("variation_weights").getListValue()
                .getValuesList().stream().map(Value::getNumberValue).toList());
        assertTrue(first.getMessageId().startsWith("exposure-"));
    }

    @Test
    void anAdminKeyPreviewsAssignmentsWithoutWritingOrExposing() {
        grpc.running(TestKeys.ADMIN_A, "production", "preview-test", EVEN.formatted(""));
        for (int user = 0; user < 6; user++) {
            Map<String, Object> attributes = Map.of("id", "previewed-" + user);
            Assignment previewed = grpc.assigner(TestKeys.ADMIN_A).assign(AssignRequest.newBuilder()
                    .setExperimentKey("preview-test").setEnvironment("production")
                    .setAttributes(AssignmentGrpc.attributes(attributes)).build()).getAssignment();
            assertTrue(previewed.getInExperiment());
            assertFalse(previewed.getStickyBucketUsed(), "a preview writes no sticky bucket");
            assertEquals(previewed.getVariationKey(), assign(TestKeys.SERVER_A, "preview-test", attributes)
                    .getVariationKey(), "the preview is what the user then gets");
        }
        // the six real assignments were exposures; the six previews were not
        assertEquals(6, exposures("preview-test", Integer.MAX_VALUE, Duration.ofSeconds(3)).size());
        // only admin keys preview, and they only preview
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> grpc.assigner(TestKeys.SERVER_A).assign(AssignRequest
                .newBuilder().setExperimentKey("preview-test").setEnvironment("production").build())));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> grpc.assigner(TestKeys.ADMIN_A).assign(AssignRequest
                .newBuilder().setExperimentKey("preview-test").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> grpc.assigner(TestKeys.ADMIN_A).assign(AssignRequest
                .newBuilder().setExperimentKey("preview-test").setEnvironment("Prod\u0000").build())));
    }

    @Test
    void concurrentFirstAssignmentsOfOneUserSendOneExposure() throws Exception {
        grpc.running(TestKeys.ADMIN_A, "production", "race-test", EVEN.formatted(""));
        var stub = TestKeys.SERVER_A.on(ExperimentAssignmentServiceGrpc.newFutureStub(grpc.channel));
        List<com.google.common.util.concurrent.ListenableFuture<dev.flywheel.proto.experiments.v1.AssignResponse>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            calls.add(stub.assign(AssignRequest.newBuilder().setExperimentKey("race-test")
                    .setAttributes(AssignmentGrpc.attributes(Map.of("id", "racer"))).build()));
        }
        Set<String> variations = new HashSet<>();
        for (var call : calls) {
            variations.add(call.get().getAssignment().getVariationKey());
        }
        assertEquals(1, variations.size(), "one user, one variation");
        assertEquals(1, exposures("race-test", Integer.MAX_VALUE, Duration.ofSeconds(3)).size());
    }

    @Test
    void stickyBucketsSurviveAWeightChangeUntilTheBucketVersionIsBumped() {
        grpc.running(TestKeys.ADMIN_A, "production", "sticky-test", EVEN.formatted(""));
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            before.put("s" + i, assign(TestKeys.SERVER_A, "sticky-test", Map.of("id", "s" + i)).getVariationKey());
        }
        String skewed = """
                {"variations": [{"key": "control", "weight": 0.05}, {"key": "treatment", "weight": 0.95}]%s}""";
        grpc.admin(TestKeys.ADMIN_A).putExperiment(PutExperimentRequest.newBuilder().setEnvironment("production")
                .setKey("sticky-test").setDefinitionJson(skewed.formatted("")).build());
        for (int i = 0; i < 40; i++) {
            Assignment a = assign(TestKeys.SERVER_A, "sticky-test", Map.of("id", "s" + i));
            assertEquals(before.get("s" + i), a.getVariationKey());
            assertEquals(AssignmentReason.ASSIGNMENT_REASON_STICKY, a.getReason());
            assertTrue(a.getStickyBucketUsed());
        }
        grpc.admin(TestKeys.ADMIN_A).putExperiment(PutExperimentRequest.newBuilder().setEnvironment("production")
                .setKey("sticky-test").setDefinitionJson(skewed.formatted(", \"bucketVersion\": 1")).build());
        Map<String, Long> after = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            Assignment a = assign(TestKeys.SERVER_A, "sticky-test", Map.of("id", "s" + i));
            assertEquals(AssignmentReason.ASSIGNMENT_REASON_HASHED, a.getReason());
            after.merge(a.getVariationKey(), 1L, Long::sum);
        }
        assertTrue(after.getOrDefault("treatment", 0L) >= 30, "re-randomised with the new weights: " + after);
    }

    @Test
    void aUserBucketedOnTheFallbackAttributeKeepsTheVariationAfterLoggingIn() {
        grpc.running(TestKeys.ADMIN_A, "production", "fallback-test",
                EVEN.formatted(", \"fallbackAttribute\": \"deviceId\""));
        for (int i = 0; i < 20; i++) {
            Assignment anonymous = assign(TestKeys.SERVER_A, "fallback-test", Map.of("deviceId", "device-" + i));
            assertEquals("deviceId", anonymous.getHashAttribute());
            assertEquals(AssignmentReason.ASSIGNMENT_REASON_HASHED, anonymous.getReason());
            Assignment loggedIn = assign(TestKeys.SERVER_A, "fallback-test",
                    Map.of("id", "member-" + i, "deviceId", "device-" + i));
            assertEquals("id", loggedIn.getHashAttribute());
            assertEquals(AssignmentReason.ASSIGNMENT_REASON_STICKY, loggedIn.getReason());
            assertEquals(anonymous.getVariationKey(), loggedIn.getVariationKey());
            // stored under the user id too: the device no longer matters
            assertEquals(anonymous.getVariationKey(), assign(TestKeys.SERVER_A, "fallback-test",
                    Map.of("id", "member-" + i)).getVariationKey());
        }
    }

    @Test
    void eachAnswerSaysWhy() {
        grpc.running(TestKeys.ADMIN_A, "production", "reasons-test", EVEN.formatted("""
                , "condition": {"==": [{"var": "country"}, "NL"]}, "forcedVariations": {"qa-user": "treatment"}"""));
        assertEquals(AssignmentReason.ASSIGNMENT_REASON_TARGETING,
                assign(TestKeys.SERVER_A, "reasons-test", Map.of("id", "u1", "country", "BE")).getReason());
        assertEquals(AssignmentReason.ASSIGNMENT_REASON_MISSING_HASH_ATTRIBUTE,
                assign(TestKeys.SERVER_A, "reasons-test", Map.of("country", "NL")).getReason());
        Assignment forced = assign(TestKeys.SERVER_A, "reasons-test", Map.of("id", "qa-user", "country", "BE"));
        assertEquals(AssignmentReason.ASSIGNMENT_REASON_FORCED, forced.getReason());
        assertEquals("green", forced.getValue().getStringValue());
        Assignment url = grpc.assigner(TestKeys.CLIENT_A).assign(AssignRequest.newBuilder()
                .setExperimentKey("reasons-test").setUrl("https://shop.example/?reasons-test=0")
                .setAttributes(AssignmentGrpc.attributes(Map.of("id", "u2", "country", "NL"))).build())
                .getAssignment();
        assertEquals(AssignmentReason.ASSIGNMENT_REASON_FORCED, url.getReason());
        assertEquals("control", url.getVariationKey());

        grpc.admin(TestKeys.ADMIN_A).changeStatus(ChangeStatusRequest.newBuilder().setEnvironment("production")
                .setKey("reasons-test").setStatus(ExperimentStatus.EXPERIMENT_STATUS_STOPPED)
                .setReleasedVariation("treatment").build());
        Assignment released = assign(TestKeys.SERVER_A, "reasons-test", Map.of("id", "u3", "country", "NL"));
        assertEquals(AssignmentReason.ASSIGNMENT_REASON_RELEASED, released.getReason());
        assertEquals("treatment", released.getVariationKey());
        assertFalse(released.getInExperiment());
        // QA overrides are not exposures: only users bucketed by hashing reach the analysis
        assertTrue(exposures("reasons-test", Integer.MAX_VALUE, Duration.ofSeconds(2)).isEmpty());
    }

    @Test
    void assignAllAnswersForEveryRunningOrReleasedExperimentAndTheHoldoutKeepsUsersOut() {
        grpc.running(TestKeys.ADMIN_A, "staging", "all-one", EVEN.formatted(""));
        grpc.running(TestKeys.ADMIN_A, "staging", "all-two", EVEN.formatted(", \"hashVersion\": 1"));
        grpc.admin(TestKeys.ADMIN_A).putExperiment(PutExperimentRequest.newBuilder().setEnvironment("staging")
                .setKey("all-draft").setDefinitionJson(EVEN.formatted("")).build());
        List<Assignment> all = grpc.assigner(TestKeys.SERVER_A_STAGING).assignAll(AssignAllRequest.newBuilder()
                .setAttributes(AssignmentGrpc.attributes(Map.of("id", "everyone"))).build()).getAssignmentsList();
        assertEquals(List.of("all-one", "all-two"), all.stream().map(Assignment::getExperimentKey).sorted().toList());

        grpc.admin(TestKeys.ADMIN_A).putSettings(PutSettingsRequest.newBuilder()
                .setSettings(ProjectSettings.newBuilder().setHoldoutShare(0.5)).build());
        try {
            Map<AssignmentReason, Long> reasons = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                List<Assignment> answers = grpc.assigner(TestKeys.SERVER_A_STAGING).assignAll(AssignAllRequest
                        .newBuilder().setAttributes(AssignmentGrpc.attributes(Map.of("id", "h" + i))).build())
                        .getAssignmentsList();
                assertEquals(1, answers.stream().map(a -> a.getReason() == AssignmentReason.ASSIGNMENT_REASON_HOLDOUT)
                        .collect(Collectors.toSet()).size(), "held out of all experiments or none");
                reasons.merge(answers.get(0).getReason(), 1L, Long::sum);
            }
            long held = reasons.getOrDefault(AssignmentReason.ASSIGNMENT_REASON_HOLDOUT, 0L);
            assertTrue(held > 70 && held < 130, reasons::toString);
        } finally {
            grpc.admin(TestKeys.ADMIN_A).putSettings(PutSettingsRequest.newBuilder()
                    .setSettings(ProjectSettings.newBuilder().setHoldoutShare(0)).build());
        }
    }

    @Test
    void deferredExposuresAreRecordedOnceWhenTheUserSeesTheVariationAndTokensCannotBeForged() {
        grpc.running(TestKeys.ADMIN_A, "production", "deferred-test", EVEN.formatted(""));
        grpc.running(TestKeys.ADMIN_A, "staging", "deferred-test", EVEN.formatted(""));
        AssignRequest deferred = AssignRequest.newBuilder().setExperimentKey("deferred-test").setDeferExposures(true)
                .setAttributes(AssignmentGrpc.attributes(Map.of("id", "deferred-user"))).build();
        Assignment fetched = grpc.assigner(TestKeys.CLIENT_A).assign(deferred).getAssignment();
        assertTrue(fetched.getInExperiment());
        assertFalse(fetched.getExposureToken().isEmpty());
        // fetched, not seen: nothing recorded yet
        assertTrue(exposures("deferred-test", Integer.MAX_VALUE, Duration.ofSeconds(2)).isEmpty());

        String token = fetched.getExposureToken();
        var recorder = grpc.assigner(TestKeys.CLIENT_A);
        for (int i = 0; i < 3; i++) {
            assertEquals(2, recorder.recordExposures(RecordExposuresRequest.newBuilder().addExposureTokens(token)
                    .addExposureTokens(token).build()).getAccepted());
        }
        List<Event> sent = exposures("deferred-test", Integer.MAX_VALUE, Duration.ofSeconds(4));
        assertEquals(1, sent.size(), sent::toString);
        assertEquals(fetched.getVariationKey(), sent.get(0).getProperties().getFieldsOrThrow("variation_key")
                .getStringValue());
        assertEquals("deferred-user", sent.get(0).getDistinctId());

        // a token of another environment, a changed token, garbage and none are refused, naming the token
        String staging = grpc.assigner(TestKeys.SERVER_A_STAGING).assign(deferred).getAssignment()
                .getExposureToken();
        String[] parts = token.split("\\.");
        byte[] ticket = java.util.Base64.getUrlDecoder().decode(parts[0]);
        ticket[ticket.length - 20] ^= 1;
        String altered = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(ticket) + "." + parts[1];
        for (String bad : List.of(staging, altered, "garbage", token + ".x")) {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> recorder
                    .recordExposures(RecordExposuresRequest.newBuilder().addExposureTokens(token)
                            .addExposureTokens(bad).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), bad);
            assertTrue(refused.getStatus().getDescription().startsWith("exposure_tokens[1] "),
                    refused.getStatus().getDescription());
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> recorder.recordExposures(
                RecordExposuresRequest.getDefaultInstance())));
        RecordExposuresRequest.Builder tooMany = RecordExposuresRequest.newBuilder();
        for (int i = 0; i < 101; i++) {
            tooMany.addExposureTokens(token);
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> recorder.recordExposures(tooMany.build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> recorder.recordExposures(RecordExposuresRequest
                .newBuilder().addExposureTokens("a".repeat(5000) + "." + parts[1]).build())));
        // an admin key may not record exposures
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> grpc.assigner(TestKeys.ADMIN_A).recordExposures(
                RecordExposuresRequest.newBuilder().addExposureTokens(token).build())));
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> grpc.anonymousAssigner().recordExposures(
                RecordExposuresRequest.newBuilder().addExposureTokens(token).build())));
        // assignments made the usual way carry no token
        assertTrue(assign(TestKeys.SERVER_A, "deferred-test", Map.of("id", "u2")).getExposureToken().isEmpty());
    }

    @Test
    void badRequestsGetAProperStatus() {
        assertEquals(Status.Code.NOT_FOUND, code(() -> assign(TestKeys.SERVER_A, "no-such-experiment",
                Map.of("id", "u"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> assign(TestKeys.SERVER_A, "", Map.of("id", "u"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> assign(TestKeys.SERVER_A, "x",
                Map.of("id", "u", "blob", "x".repeat(20_000)))));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> assign(TestKeys.ADMIN_A, "x", Map.of("id", "u"))));
        assertEquals(Status.Code.UNAUTHENTICATED, code(() -> grpc.anonymousAssigner().assignAll(
                AssignAllRequest.getDefaultInstance())));
        // another project's experiment does not exist for this key
        grpc.running(TestKeys.ADMIN_B, "production", "project-b-only", EVEN.formatted(""));
        assertEquals(Status.Code.NOT_FOUND, code(() -> assign(TestKeys.SERVER_A, "project-b-only",
                Map.of("id", "u"))));
        assertTrue(assign(TestKeys.SERVER_B, "project-b-only", Map.of("id", "u")).getInExperiment());
    }
}
