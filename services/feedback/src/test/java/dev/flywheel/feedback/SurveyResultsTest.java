package dev.flywheel.feedback;

import static dev.flywheel.feedback.SurveyServingTest.answer;
import static dev.flywheel.feedback.SurveyServingTest.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.feedback.v1.BreakdownKind;
import dev.flywheel.proto.feedback.v1.GetFeedbackScreenshotRequest;
import dev.flywheel.proto.feedback.v1.GetSurveyResultsRequest;
import dev.flywheel.proto.feedback.v1.GroupResult;
import dev.flywheel.proto.feedback.v1.ListFeedbackRequest;
import dev.flywheel.proto.feedback.v1.ListPersonAnswersRequest;
import dev.flywheel.proto.feedback.v1.ListPersonAnswersResponse;
import dev.flywheel.proto.feedback.v1.NextSurveyRequest;
import dev.flywheel.proto.feedback.v1.NextSurveyResponse;
import dev.flywheel.proto.feedback.v1.Person;
import dev.flywheel.proto.feedback.v1.PutSurveyRequest;
import dev.flywheel.proto.feedback.v1.QuestionResult;
import dev.flywheel.proto.feedback.v1.SetSurveyStatusRequest;
import dev.flywheel.proto.feedback.v1.SubmitAnswersRequest;
import dev.flywheel.proto.feedback.v1.SubmitFeedbackRequest;
import dev.flywheel.proto.feedback.v1.SurveyAdminServiceGrpc;
import dev.flywheel.proto.feedback.v1.SurveyResults;
import dev.flywheel.proto.feedback.v1.SurveyResultsServiceGrpc;
import dev.flywheel.proto.feedback.v1.SurveyServingServiceGrpc;
import dev.flywheel.proto.feedback.v1.SurveyStatus;
import dev.flywheel.surveys.Scores;
import dev.flywheel.testsupport.TestGrpc;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;

/** Results computed from answers given through the service: scores, distributions, breakdowns, comments. */
@QuarkusTest
class SurveyResultsTest {

    static final String SURVEY = """
            {"name": "Plan NPS",
             "questions": [
               {"id": "score", "type": "nps", "text": "How likely are you to recommend us?"},
               {"id": "reason", "type": "single_choice", "text": "Main reason?", "choices": ["price", "speed"],
                "allowOther": true},
               {"id": "comment", "type": "open_text", "text": "Anything else?", "optional": true}
             ],
             "targeting": {"condition": {"==": [{"var": "run"}, "%s"]}}}""";

    @Test
    void scoresDistributionsBreakdownsAndComments() throws Exception {
        SurveyServingTest.createEventTopic();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = "plan-nps-" + run;
        ManagedChannel channel = TestGrpc.channel();
        try {
            var admin = TestKeys.ADMIN_A.on(SurveyAdminServiceGrpc.newBlockingStub(channel));
            var serving = TestKeys.SERVER_A.on(SurveyServingServiceGrpc.newBlockingStub(channel));
            var results = TestKeys.ADMIN_A.on(SurveyResultsServiceGrpc.newBlockingStub(channel));
            admin.putSurvey(PutSurveyRequest.newBuilder().setEnvironment("production").setKey(key)
                    .setDefinitionJson(SURVEY.formatted(run)).build());
            admin.setSurveyStatus(SetSurveyStatusRequest.newBuilder().setEnvironment("production").setKey(key)
                    .setStatus(SurveyStatus.SURVEY_STATUS_RUNNING).build());
            // Pro users score 9-10 more often than free users; the flag splits them differently.
            int[] proScores = {10, 9, 9, 8, 10, 7, 9, 10, 3, 9};
            int[] freeScores = {6, 7, 9, 2, 5, 8, 10, 4, 6, 7};
            long[] pro = new long[11];
            long[] free = new long[11];
            for (int i = 0; i < 20; i++) {
                boolean isPro = i < 10;
                int score = isPro ? proScores[i] : freeScores[i - 10];
                (isPro ? pro : free)[score]++;
                Person person = Person.newBuilder().setUserId("r" + i + "-" + run).build();
                NextSurveyResponse shown = serving.nextSurvey(NextSurveyRequest.newBuilder().setPerson(person)
                        .setProperties(Struct.newBuilder().putFields("plan", Value.newBuilder()
                                .setStringValue(isPro ? "pro" : "free").build()).putFields("run", Value.newBuilder()
                                        .setStringValue(run).build()))
                        .putFlags("new-billing", i % 2 == 0 ? "on" : "off").build());
                assertTrue(shown.getShow());
                SubmitAnswersRequest.Builder answers = SubmitAnswersRequest.newBuilder().setPerson(person)
                        .setSurveyKey(key).setSubmissionId(shown.getSubmissionId())
                        .addAnswers(answer("score", score));
                if (i % 3 == 0) {
                    answers.addAnswers(answer("reason", "price"));
                } else if (i % 3 == 1) {
                    answers.addAnswers(dev.flywheel.proto.feedback.v1.AnswerInput.newBuilder().setQuestionId("reason")
                            .setOther("the support team").build());
                }
                if (i < 4) {
                    answers.addAnswers(answer("comment", "Pricing page is confusing #" + i));
                }
                serving.submitAnswers(answers.build());
            }
            // One more shown and not answered.
            assertTrue(serving.nextSurvey(NextSurveyRequest.newBuilder().setPerson(Person.newBuilder()
                    .setAnonymousId("silent-" + run)).setProperties(Struct.newBuilder().putFields("run",
                            Value
                                    .newBuilder().setStringValue(run).build()))
                    .build()).getShow());

            SurveyResults all = results.getSurveyResults(GetSurveyResultsRequest.newBuilder()
                    .setEnvironment("production").setSurveyKey(key).build());
            assertEquals(21, all.getShown());
            assertEquals(20, all.getResponded());
            assertEquals(20.0 / 21, all.getResponseRate(), 1e-12);
            QuestionResult score = all.getQuestions(0);
            long[] both = new long[11];
            for (int s = 0; s <= 10; s++) {
                both[s] = pro[s] + free[s];
            }
            Scores.Score expected = Scores.nps(both, 0.05);
            assertEquals(20, score.getAnswers());
            assertEquals(expected.value(), score.getScore().getValue(), 1e-9);
            assertEquals(expected.lower(), score.getScore().getLower(), 1e-9);
            assertEquals(11, score.getDistributionCount());
            assertEquals(both[9], score.getDistribution(9).getCount());
            assertEquals(1, score.getOverTimeCount());
            QuestionResult reason = all.getQuestions(1);
            assertEquals(List.of("price=7", "speed=0", "other=7"), reason.getDistributionList().stream()
                    .map(v -> v.getValue() + "=" + v.getCount()).toList());
            assertEquals("the support team", reason.getLatest(0).getText());
            QuestionResult comment = all.getQuestions(2);
            assertEquals(4, comment.getLatestCount());
            // Every word of the four comments is in all four: ties are in alphabetical order.
            assertTrue(comment.getThemesList().stream().anyMatch(t -> t.getPhrase().equals("pricing")
                    && t.getAnswers() == 4), comment.getThemesList().toString());

            // what one person was asked and said, by any of their ids; nobody's else
            ListPersonAnswersResponse r0 = results.listPersonAnswers(ListPersonAnswersRequest.newBuilder()
                    .setEnvironment("production").addPersonKeys("r0-" + run).addPersonKeys("unknown-" + run).build());
            assertEquals(1, r0.getSubmissionsCount());
            assertEquals(key, r0.getSubmissions(0).getSurveyKey());
            assertEquals(List.of("comment:Pricing page is confusing #0", "reason:[price]", "score=10.0"), r0
                    .getSubmissions(0).getAnswersList().stream().map(a -> a.hasScore()
                            ? a.getQuestionId() + "="
                                    + a.getScore()
                            : a.getChoicesCount() > 0
                                    ? a.getQuestionId() + ":" + a.getChoicesList()
                                    : a.getQuestionId() + ":" + a.getText())
                    .toList());
            ListPersonAnswersResponse silent = results.listPersonAnswers(ListPersonAnswersRequest.newBuilder()
                    .setEnvironment("production").addPersonKeys("silent-" + run).build());
            assertEquals(0, silent.getSubmissions(0).getAnswersCount(), "shown, nothing answered");
            for (ListPersonAnswersRequest bad : List.of(ListPersonAnswersRequest.newBuilder().setEnvironment(
                    "production").build(), ListPersonAnswersRequest.newBuilder().setEnvironment("production")
                            .addPersonKeys("x").setLimit(101).build())) {
                assertEquals(Status.Code.INVALID_ARGUMENT, org.junit.jupiter.api.Assertions.assertThrows(
                        io.grpc.StatusRuntimeException.class, () -> results.listPersonAnswers(bad)).getStatus()
                        .getCode());
            }

            SurveyResults byPlan = results.getSurveyResults(GetSurveyResultsRequest.newBuilder()
                    .setEnvironment("production").setSurveyKey(key)
                    .setBreakdown(BreakdownKind.BREAKDOWN_KIND_PERSON_PROPERTY).setBreakdownKey("plan").build());
            List<GroupResult> groups = byPlan.getQuestions(0).getGroupsList();
            assertEquals(2, groups.size());
            GroupResult first = groups.get(0);
            GroupResult second = groups.get(1);
            long[] firstCounts = first.getGroup().equals("pro") ? pro : free;
            long[] secondCounts = first.getGroup().equals("pro") ? free : pro;
            assertEquals(Scores.nps(firstCounts, 0.05).value(), first.getScore().getValue(), 1e-9);
            Scores.Comparison difference = Scores.npsDifference(firstCounts, secondCounts, 0.05);
            assertEquals(difference.difference(), second.getComparison().getDifference(), 1e-9);
            assertEquals(difference.pValue(), second.getComparison().getPValue(), 1e-9);
            assertFalse(first.hasComparison());

            SurveyResults byFlag = results.getSurveyResults(GetSurveyResultsRequest.newBuilder()
                    .setEnvironment("production").setSurveyKey(key)
                    .setBreakdown(BreakdownKind.BREAKDOWN_KIND_FLAG).setBreakdownKey("new-billing").build());
            assertEquals(List.of(10L, 10L), byFlag.getQuestions(0).getGroupsList().stream()
                    .map(g -> g.getScore().getN()).toList());

            // Without a metrics-aggregator to ask, the experiment breakdown is unavailable, not wrong.
            assertEquals(Status.Code.UNAVAILABLE, code(() -> results.getSurveyResults(GetSurveyResultsRequest
                    .newBuilder().setEnvironment("production").setSurveyKey(key)
                    .setBreakdown(BreakdownKind.BREAKDOWN_KIND_EXPERIMENT).setBreakdownKey("checkout").build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> results.getSurveyResults(GetSurveyResultsRequest
                    .newBuilder().setEnvironment("production").setSurveyKey(key)
                    .setBreakdown(BreakdownKind.BREAKDOWN_KIND_FLAG).build())));
            assertEquals(Status.Code.NOT_FOUND, code(() -> results.getSurveyResults(GetSurveyResultsRequest
                    .newBuilder().setEnvironment("production").setSurveyKey("nothing-" + run).build())));
            assertEquals(Status.Code.PERMISSION_DENIED, code(() -> TestKeys.CLIENT_A.on(SurveyResultsServiceGrpc
                    .newBlockingStub(channel)).getSurveyResults(GetSurveyResultsRequest.newBuilder()
                            .setSurveyKey(key).build())));

            // The widget's submissions, latest first, and a screenshot.
            byte[] png = new byte[40];
            System.arraycopy(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, png, 0, 8);
            String id = serving.submitFeedback(SubmitFeedbackRequest.newBuilder().setPerson(Person.newBuilder()
                    .setUserId("w-" + run)).setRating(5).setComment("Love the new charts")
                    .setScreenshotPng(ByteString.copyFrom(png)).build()).getFeedbackId();
            var wall = results.listFeedback(ListFeedbackRequest.newBuilder().setEnvironment("production")
                    .setLimit(5).build());
            assertEquals(id, wall.getItems(0).getFeedbackId());
            assertTrue(wall.getItems(0).getHasScreenshot());
            assertEquals(5, wall.getRatingsCount());
            assertEquals(ByteString.copyFrom(png), results.getFeedbackScreenshot(GetFeedbackScreenshotRequest
                    .newBuilder().setEnvironment("production").setFeedbackId(id).build()).getPng());
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> results.listFeedback(ListFeedbackRequest
                    .newBuilder().setEnvironment("production").setLimit(500).build())));
        } finally {
            channel.shutdownNow();
        }
    }
}
