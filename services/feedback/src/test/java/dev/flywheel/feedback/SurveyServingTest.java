package dev.flywheel.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;

import dev.flywheel.feedback.events.EventOutbox;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.feedback.v1.AnswerInput;
import dev.flywheel.proto.feedback.v1.DismissSurveyRequest;
import dev.flywheel.proto.feedback.v1.NextSurveyRequest;
import dev.flywheel.proto.feedback.v1.NextSurveyResponse;
import dev.flywheel.proto.feedback.v1.Person;
import dev.flywheel.proto.feedback.v1.PutSurveyRequest;
import dev.flywheel.proto.feedback.v1.SetSurveyStatusRequest;
import dev.flywheel.proto.feedback.v1.SubmitAnswersRequest;
import dev.flywheel.proto.feedback.v1.SubmitAnswersResponse;
import dev.flywheel.proto.feedback.v1.SubmitFeedbackRequest;
import dev.flywheel.proto.feedback.v1.SurveyAdminServiceGrpc;
import dev.flywheel.proto.feedback.v1.SurveyServingServiceGrpc;
import dev.flywheel.proto.feedback.v1.SurveyStatus;
import dev.flywheel.testsupport.TestGrpc;
import dev.flywheel.testsupport.TestKeys;
import dev.flywheel.testsupport.TopicReader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Surveys served, answered and dismissed through the real service: "never twice" per person across devices,
 * branching, partial answers, the widget, the events in the pipeline's topic, and the refusals.
 */
@QuarkusTest
class SurveyServingTest {

    static final String NPS = """
            {"name": "Billing NPS",
             "questions": [
               {"id": "score", "type": "nps", "text": "How likely are you to recommend us?",
                "branches": [{"max": 6, "next": "why"}, {"min": 7, "next": "end"}]},
               {"id": "why", "type": "open_text", "text": "What should we do better?"}
             ],
             "targeting": {"url": {"match": "contains", "value": "/billing"}, "devices": ["desktop"]}}""";

    @TestHTTPResource
    URL url;

    @Inject
    Pool pool;

    @Inject
    EventOutbox outbox;

    static Person user(String id, String device) {
        return Person.newBuilder().setUserId(id).setAnonymousId(device).build();
    }

    static NextSurveyRequest ask(Person person) {
        return NextSurveyRequest.newBuilder().setPerson(person).setUrl("https://app.example.com/billing")
                .setDevice("desktop").build();
    }

    static AnswerInput answer(String question, Object value) {
        Value v = value instanceof Number n
                ? Value.newBuilder().setNumberValue(n.doubleValue()).build()
                : Value.newBuilder().setStringValue((String) value).build();
        return AnswerInput.newBuilder().setQuestionId(question).setValue(v).build();
    }

    static Status.Code code(Supplier<?> call) {
        return assertThrows(StatusRuntimeException.class, call::get).getStatus().getCode();
    }

    /**
     * The event topic as the event-collector creates it in a deployment. Left to auto-creation by the first
     * idempotent send, the in-process broker answers that send with out-of-order sequence errors for a while.
     */
    static void createEventTopic() throws Exception {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(EventOutbox.EVENTS_TOPIC, 4, (short) 1))).all()
                    .get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @Test
    void shownUntilAnsweredOrDismissedThenNeverAgain() throws Exception {
        createEventTopic();
        String environment = "surveys-" + UUID.randomUUID().toString().substring(0, 8);
        String run = environment.substring(8);
        ManagedChannel channel = TestGrpc.channel();
        try {
            var admin = TestKeys.ADMIN_A.on(SurveyAdminServiceGrpc.newBlockingStub(channel));
            var serving = TestKeys.SERVER_A.on(SurveyServingServiceGrpc.newBlockingStub(channel));
            // Server keys serve their own environment: the survey goes where SERVER_A lives.
            String production = "production";
            String key = "billing-nps-" + run;
            StatusRuntimeException bad = assertThrows(StatusRuntimeException.class, () -> admin.putSurvey(
                    PutSurveyRequest.newBuilder().setEnvironment(production).setKey(key)
                            .setDefinitionJson("{\"questions\": [{\"id\": \"a\", \"type\": \"stars\"}]}").build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
            assertTrue(bad.getStatus().getDescription().contains("/questions/0/type"));
            var created = admin.putSurvey(PutSurveyRequest.newBuilder().setEnvironment(production).setKey(key)
                    .setDefinitionJson(NPS).setExpectedVersion(-1).build());
            assertEquals(SurveyStatus.SURVEY_STATUS_DRAFT, created.getStatus());
            assertEquals(Status.Code.ABORTED, code(() -> admin.putSurvey(PutSurveyRequest.newBuilder()
                    .setEnvironment(production).setKey(key).setDefinitionJson(NPS).setExpectedVersion(-1).build())));
            Person ann = user("ann-" + run, "laptop");
            // A draft is not shown.
            assertFalse(serving.nextSurvey(ask(ann)).getShow());
            admin.setSurveyStatus(SetSurveyStatusRequest.newBuilder().setEnvironment(production).setKey(key)
                    .setStatus(SurveyStatus.SURVEY_STATUS_RUNNING).build());

            NextSurveyResponse shown = serving.nextSurvey(ask(ann));
            assertTrue(shown.getShow());
            assertEquals(key, shown.getSurveyKey());
            assertTrue(shown.getSurveyJson().contains("\"questions\""));
            assertFalse(shown.getSurveyJson().contains("targeting"), "targeting rules stay on the server");
            // Not on another page or device.
            assertFalse(serving.nextSurvey(ask(ann).toBuilder().setUrl("https://app.example.com/home").build())
                    .getShow());
            assertFalse(serving.nextSurvey(ask(ann).toBuilder().setDevice("mobile").build()).getShow());

            // A detractor: branching asks why; the answer to it completes the submission.
            SubmitAnswersResponse first = serving.submitAnswers(SubmitAnswersRequest.newBuilder().setPerson(ann)
                    .setSurveyKey(key).setSubmissionId(shown.getSubmissionId()).addAnswers(answer("score", 3))
                    .build());
            assertEquals("why", first.getNextQuestionId());
            assertFalse(first.getCompleted());
            SubmitAnswersResponse second = serving.submitAnswers(SubmitAnswersRequest.newBuilder().setPerson(ann)
                    .setSurveyKey(key).setSubmissionId(shown.getSubmissionId())
                    .addAnswers(answer("why", "<script>alert(1)</script> too expensive")).build());
            assertTrue(second.getCompleted());
            // Never again: not on this device, not on the person's phone (same user id).
            assertFalse(serving.nextSurvey(ask(ann)).getShow());
            assertFalse(serving.nextSurvey(ask(user(ann.getUserId(), "phone"))).getShow());
            assertEquals("<script>alert(1)</script> too expensive", text("SELECT answer_text FROM survey_answer"
                    + " WHERE survey_key = $1 AND question_id = 'why'", key));

            // Bob dismisses it: never again either.
            Person bob = user("bob-" + run, "laptop");
            NextSurveyResponse bobs = serving.nextSurvey(ask(bob));
            serving.dismissSurvey(DismissSurveyRequest.newBuilder().setPerson(bob).setSurveyKey(key)
                    .setSubmissionId(bobs.getSubmissionId()).build());
            assertFalse(serving.nextSurvey(ask(bob)).getShow());

            // Cid sees it, answers nothing yet: shown again (to finish it).
            Person cid = Person.newBuilder().setAnonymousId("cid-" + run).build();
            NextSurveyResponse cids = serving.nextSurvey(ask(cid));
            assertTrue(serving.nextSurvey(ask(cid)).getShow());

            // Refusals.
            SubmitAnswersRequest good = SubmitAnswersRequest.newBuilder().setPerson(cid).setSurveyKey(key)
                    .setSubmissionId(cids.getSubmissionId()).addAnswers(answer("score", 9)).build();
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.submitAnswers(good.toBuilder()
                    .clearAnswers().addAnswers(answer("score", 11)).build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.submitAnswers(good.toBuilder()
                    .clearAnswers().addAnswers(answer("nope", 1)).build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.submitAnswers(good.toBuilder()
                    .addAnswers(answer("score", 8)).build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.submitAnswers(good.toBuilder()
                    .setSubmissionId("not-a-uuid").build())));
            assertEquals(Status.Code.NOT_FOUND, code(() -> serving.submitAnswers(good.toBuilder()
                    .setSubmissionId(UUID.randomUUID().toString()).build())));
            assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> serving.submitAnswers(good.toBuilder()
                    .setPerson(ann).build())));
            assertEquals(Status.Code.INVALID_ARGUMENT,
                    code(() -> serving.nextSurvey(ask(Person.getDefaultInstance()))));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.nextSurvey(ask(cid).toBuilder()
                    .setDevice("fridge").build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.nextSurvey(ask(cid).toBuilder()
                    .setUrl("x".repeat(3000)).build())));
            assertEquals(Status.Code.PERMISSION_DENIED, code(() -> TestKeys.ADMIN_A.on(SurveyServingServiceGrpc
                    .newBlockingStub(channel)).nextSurvey(ask(cid))));
            assertEquals(Status.Code.PERMISSION_DENIED, code(() -> TestKeys.SERVER_A.on(SurveyAdminServiceGrpc
                    .newBlockingStub(channel)).putSurvey(PutSurveyRequest.newBuilder().setEnvironment(production)
                            .setKey(key).setDefinitionJson(NPS).build())));
            // Another project's key knows nothing of it.
            var otherProject = TestKeys.SERVER_B.on(SurveyServingServiceGrpc.newBlockingStub(channel));
            assertEquals(Status.Code.NOT_FOUND, code(() -> otherProject.submitAnswers(good.toBuilder().build())));
            serving.submitAnswers(good);

            // A survey triggered by an event: every answer names the trigger events, so clients ask only after them.
            String paid = "Invoice Paid " + run;
            String triggered = "after-payment-" + run;
            admin.putSurvey(PutSurveyRequest.newBuilder().setEnvironment(production).setKey(triggered)
                    .setDefinitionJson("""
                            {"questions": [{"id": "ease", "type": "ces", "text": "How easy was paying?"}],
                             "targeting": {"events": ["%s"], "url": {"match": "contains", "value": "/pay-%s"}}}"""
                            .formatted(paid, run))
                    .build());
            admin.setSurveyStatus(SetSurveyStatusRequest.newBuilder().setEnvironment(production).setKey(triggered)
                    .setStatus(SurveyStatus.SURVEY_STATUS_RUNNING).build());
            NextSurveyRequest onPayPage = ask(user("dee-" + run, "laptop")).toBuilder()
                    .setUrl("https://app.example.com/pay-" + run).build();
            NextSurveyResponse before = serving.nextSurvey(onPayPage);
            assertFalse(before.getShow());
            assertTrue(before.getTriggerEventsList().contains(paid), before::toString);
            NextSurveyResponse after = serving.nextSurvey(onPayPage.toBuilder().setEvent(paid).build());
            assertEquals(triggered, after.getSurveyKey());
            assertTrue(after.getTriggerEventsList().contains(paid));

            // The widget.
            byte[] png = new byte[64];
            System.arraycopy(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, png, 0, 8);
            SubmitFeedbackRequest feedback = SubmitFeedbackRequest.newBuilder().setPerson(ann).setRating(2)
                    .setComment("The <b>export</b> is slow").setEmail("ann@example.com")
                    .setPageUrl("https://app.example.com/reports").setSelector("#export > button")
                    .setScreenshotPng(ByteString.copyFrom(png)).build();
            String id = serving.submitFeedback(feedback).getFeedbackId();
            assertEquals("The <b>export</b> is slow", text("SELECT comment FROM feedback_item"
                    + " WHERE feedback_id::text = $1", id));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.submitFeedback(feedback.toBuilder()
                    .setRating(6).build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.submitFeedback(feedback.toBuilder()
                    .setEmail("not an email").build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.submitFeedback(feedback.toBuilder()
                    .setScreenshotPng(ByteString.copyFromUtf8("GIF89a-not-a-png-at-all-really")).build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> serving.submitFeedback(feedback.toBuilder()
                    .setScreenshotPng(ByteString.copyFrom(new byte[3 * 1024 * 1024])).build())));

            // Every step reached the event pipeline, and nothing is left in the outbox.
            List<Event> events = events(run, 10);
            assertEquals(Map.of("survey shown", 5L, "survey sent", 3L, "survey dismissed", 1L,
                    "feedback submitted", 1L),
                    events.stream().collect(java.util.stream.Collectors.groupingBy(
                            Event::getName, java.util.stream.Collectors.counting())));
            Event sent = events.stream().filter(e -> e.getName().equals("survey sent")
                    && e.getDistinctId().equals(ann.getUserId())).findFirst().orElseThrow();
            assertEquals(ann.getUserId(), sent.getUserId());
            assertEquals(key, sent.getProperties().getFieldsOrThrow("survey_key").getStringValue());
            outbox.relay().await().atMost(Duration.ofSeconds(10));
            assertEquals("0", text("SELECT count(*)::text FROM event_outbox WHERE created_at < now() - interval '1 s'"
                    + " AND $1 <> ''", run));
        } finally {
            channel.shutdownNow();
        }
    }

    private String text(String sql, String param) {
        return pool.preparedQuery(sql).execute(Tuple.of(param)).await().atMost(Duration.ofSeconds(10)).iterator()
                .next().getString(0);
    }

    private static List<Event> events(String run, int expected) {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        return TopicReader.read(bootstrap, EventOutbox.EVENTS_TOPIC, record -> record.key().contains(run), expected,
                Duration.ofSeconds(20)).stream().map(record -> {
                    try {
                        return Event.parseFrom(record.value());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }
}
