package dev.flywheel.gateway.feedback.client;

import static dev.flywheel.gateway.upstream.ServiceCalls.as;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.problem.GrpcProblems;
import dev.flywheel.proto.common.v1.AuditPage;
import dev.flywheel.proto.feedback.v1.DeleteSurveyRequest;
import dev.flywheel.proto.feedback.v1.DeleteSurveyResponse;
import dev.flywheel.proto.feedback.v1.DismissSurveyRequest;
import dev.flywheel.proto.feedback.v1.DismissSurveyResponse;
import dev.flywheel.proto.feedback.v1.FeedbackScreenshot;
import dev.flywheel.proto.feedback.v1.GetFeedbackScreenshotRequest;
import dev.flywheel.proto.feedback.v1.GetSurveyRequest;
import dev.flywheel.proto.feedback.v1.GetSurveyResultsRequest;
import dev.flywheel.proto.feedback.v1.ListFeedbackRequest;
import dev.flywheel.proto.feedback.v1.ListFeedbackResponse;
import dev.flywheel.proto.feedback.v1.ListPersonAnswersRequest;
import dev.flywheel.proto.feedback.v1.ListPersonAnswersResponse;
import dev.flywheel.proto.feedback.v1.ListSurveyAuditRequest;
import dev.flywheel.proto.feedback.v1.ListSurveysRequest;
import dev.flywheel.proto.feedback.v1.ListSurveysResponse;
import dev.flywheel.proto.feedback.v1.MutinySurveyAdminServiceGrpc.MutinySurveyAdminServiceStub;
import dev.flywheel.proto.feedback.v1.MutinySurveyResultsServiceGrpc.MutinySurveyResultsServiceStub;
import dev.flywheel.proto.feedback.v1.MutinySurveyServingServiceGrpc.MutinySurveyServingServiceStub;
import dev.flywheel.proto.feedback.v1.NextSurveyRequest;
import dev.flywheel.proto.feedback.v1.NextSurveyResponse;
import dev.flywheel.proto.feedback.v1.PutSurveyRequest;
import dev.flywheel.proto.feedback.v1.SetSurveyStatusRequest;
import dev.flywheel.proto.feedback.v1.SubmitAnswersRequest;
import dev.flywheel.proto.feedback.v1.SubmitAnswersResponse;
import dev.flywheel.proto.feedback.v1.SubmitFeedbackRequest;
import dev.flywheel.proto.feedback.v1.SubmitFeedbackResponse;
import dev.flywheel.proto.feedback.v1.Survey;
import dev.flywheel.proto.feedback.v1.SurveyResults;
import dev.flywheel.proto.recordings.v1.DeleteRecordingsRequest;
import dev.flywheel.proto.recordings.v1.DeleteRecordingsResponse;
import dev.flywheel.proto.recordings.v1.GetRecordingRequest;
import dev.flywheel.proto.recordings.v1.GetRecordingSettingsRequest;
import dev.flywheel.proto.recordings.v1.ListRecordingsRequest;
import dev.flywheel.proto.recordings.v1.ListRecordingsResponse;
import dev.flywheel.proto.recordings.v1.MutinyRecordingIngestServiceGrpc.MutinyRecordingIngestServiceStub;
import dev.flywheel.proto.recordings.v1.MutinyRecordingQueryServiceGrpc.MutinyRecordingQueryServiceStub;
import dev.flywheel.proto.recordings.v1.PutChunkRequest;
import dev.flywheel.proto.recordings.v1.PutChunkResponse;
import dev.flywheel.proto.recordings.v1.Recording;
import dev.flywheel.proto.recordings.v1.RecordingSettings;
import dev.flywheel.proto.recordings.v1.ReplayChunk;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The gateway's one way to the feedback service. The caller's key travels with each call (ADR 0003); failures
 * become problem+json errors.
 */
@ApplicationScoped
public class FeedbackClient {

    private final MutinySurveyAdminServiceStub admin;
    private final MutinySurveyServingServiceStub serving;
    private final MutinySurveyResultsServiceStub results;
    private final MutinyRecordingIngestServiceStub recordingIngest;
    private final MutinyRecordingQueryServiceStub recordingQuery;

    public FeedbackClient(@GrpcClient("feedback") MutinySurveyAdminServiceStub admin,
            @GrpcClient("feedback") MutinySurveyServingServiceStub serving,
            @GrpcClient("feedback") MutinySurveyResultsServiceStub results,
            @GrpcClient("feedback") MutinyRecordingIngestServiceStub recordingIngest,
            @GrpcClient("feedback") MutinyRecordingQueryServiceStub recordingQuery) {
        this.recordingIngest = recordingIngest;
        this.recordingQuery = recordingQuery;
        this.admin = admin;
        this.serving = serving;
        this.results = results;
    }

    public Uni<ListSurveysResponse> list(String key, ListSurveysRequest request) {
        return as(admin, key).listSurveys(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<Survey> get(String key, GetSurveyRequest request) {
        return as(admin, key).getSurvey(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<Survey> put(String key, PutSurveyRequest request) {
        return as(admin, key).putSurvey(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<Survey> status(String key, SetSurveyStatusRequest request) {
        return as(admin, key).setSurveyStatus(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<DeleteSurveyResponse> delete(String key, DeleteSurveyRequest request) {
        return as(admin, key).deleteSurvey(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<AuditPage> audit(String key, ListSurveyAuditRequest request) {
        return as(admin, key).listSurveyAudit(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<NextSurveyResponse> next(String key, NextSurveyRequest request) {
        return as(serving, key).nextSurvey(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<SubmitAnswersResponse> answer(String key, SubmitAnswersRequest request) {
        return as(serving, key).submitAnswers(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<DismissSurveyResponse> dismiss(String key, DismissSurveyRequest request) {
        return as(serving, key).dismissSurvey(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<SubmitFeedbackResponse> feedback(String key, SubmitFeedbackRequest request) {
        return as(serving, key).submitFeedback(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<SurveyResults> results(String key, GetSurveyResultsRequest request) {
        return as(results, key).getSurveyResults(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<ListPersonAnswersResponse> personAnswers(String key, ListPersonAnswersRequest request) {
        return as(results, key).listPersonAnswers(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<ListFeedbackResponse> wall(String key, ListFeedbackRequest request) {
        return as(results, key).listFeedback(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<FeedbackScreenshot> screenshot(String key, GetFeedbackScreenshotRequest request) {
        return as(results, key).getFeedbackScreenshot(request).onFailure().transform(FeedbackClient::problem);
    }

    // --- session recordings (ADR 0012) ---

    public Uni<PutChunkResponse> putChunk(String key, PutChunkRequest request) {
        return as(recordingIngest, key).putChunk(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<ListRecordingsResponse> recordings(String key, ListRecordingsRequest request) {
        return as(recordingQuery, key).listRecordings(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<Recording> recording(String key, GetRecordingRequest request) {
        return as(recordingQuery, key).getRecording(request).onFailure().transform(FeedbackClient::problem);
    }

    public Multi<ReplayChunk> replay(String key, GetRecordingRequest request) {
        return as(recordingQuery, key).streamReplay(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<DeleteRecordingsResponse> deleteRecordings(String key, DeleteRecordingsRequest request) {
        return as(recordingQuery, key).deleteRecordings(request).onFailure().transform(FeedbackClient::problem);
    }

    public Uni<RecordingSettings> recordingSettings(String key) {
        return as(recordingQuery, key).getRecordingSettings(GetRecordingSettingsRequest.getDefaultInstance())
                .onFailure().transform(FeedbackClient::problem);
    }

    public Uni<RecordingSettings> putRecordingSettings(String key, RecordingSettings settings) {
        return as(recordingQuery, key).putRecordingSettings(settings).onFailure().transform(FeedbackClient::problem);
    }

    private static Throwable problem(Throwable failure) {
        return GrpcProblems.toApiException(failure, "feedback");
    }
}
