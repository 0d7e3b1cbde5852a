package dev.flywheel.feedback.grpc;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.flywheel.feedback.service.FeedbackWall;
import dev.flywheel.feedback.service.SurveyResultsReport;
import dev.flywheel.feedback.store.SurveyResultsStore;
import dev.flywheel.proto.analytics.v1.ListUnitVariationsRequest;
import dev.flywheel.proto.analytics.v1.MutinyExperimentResultsServiceGrpc.MutinyExperimentResultsServiceStub;
import dev.flywheel.proto.feedback.v1.BreakdownKind;
import dev.flywheel.proto.feedback.v1.FeedbackScreenshot;
import dev.flywheel.proto.feedback.v1.GetFeedbackScreenshotRequest;
import dev.flywheel.proto.feedback.v1.GetSurveyResultsRequest;
import dev.flywheel.proto.feedback.v1.ListFeedbackRequest;
import dev.flywheel.proto.feedback.v1.ListFeedbackResponse;
import dev.flywheel.proto.feedback.v1.ListPersonAnswersRequest;
import dev.flywheel.proto.feedback.v1.ListPersonAnswersResponse;
import dev.flywheel.proto.feedback.v1.Period;
import dev.flywheel.proto.feedback.v1.PersonAnswer;
import dev.flywheel.proto.feedback.v1.PersonSubmission;
import dev.flywheel.proto.feedback.v1.SurveyResults;
import dev.flywheel.proto.feedback.v1.SurveyResultsService;
import dev.flywheel.service.auth.CallerKeyInterceptor;
import dev.flywheel.service.grpc.PromptReconnect;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Survey results and the widget's submissions, for admin and server keys. */
@GrpcService
public class SurveyResultsGrpcService implements SurveyResultsService {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final FeedbackCallers callers;
    private final SurveyResultsReport report;
    private final FeedbackWall wall;
    private final MutinyExperimentResultsServiceStub experiments;
    private final SurveyResultsStore answers;

    public SurveyResultsGrpcService(FeedbackCallers callers, SurveyResultsReport report, FeedbackWall wall,
            @GrpcClient("metrics-aggregator") MutinyExperimentResultsServiceStub experiments,
            SurveyResultsStore answers) {
        this.answers = answers;
        this.callers = callers;
        this.report = report;
        this.wall = wall;
        // after an outage of the metrics-aggregator, the first call that finds it back reconnects at once
        ClientInterceptor reconnect = PromptReconnect.of(experiments.getChannel());
        this.experiments = reconnect == null ? experiments : experiments.withInterceptors(reconnect);
    }

    @Override
    public Uni<SurveyResults> getSurveyResults(GetSurveyResultsRequest request) {
        // The caller's key, read now (the call's context), for looking variations up as the caller.
        String key = CallerKeyInterceptor.CALLER_KEY.get();
        return Uni.createFrom().item(() -> options(request))
                .chain(options -> callers.reader(request.getEnvironment()).chain(scope -> report.results(scope,
                        SurveyAdminGrpcService.key(request.getSurveyKey()), options, variations(key))))
                .onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<ListFeedbackResponse> listFeedback(ListFeedbackRequest request) {
        if (request.getLimit() < 0 || request.getLimit() > 200) {
            return Uni.createFrom().failure(FeedbackCallers.toStatus(RefusedRequest.invalid("limit: 1 to 200")));
        }
        return callers.reader(request.getEnvironment())
                .chain(scope -> wall.list(scope, request.getLimit() == 0 ? 50 : request.getLimit(),
                        request.hasBefore() ? instant(request.getBefore()) : null))
                .onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<ListPersonAnswersResponse> listPersonAnswers(ListPersonAnswersRequest request) {
        // who asks is settled before what they ask is looked at
        return callers.reader(request.getEnvironment()).chain(scope -> {
            int limit = request.getLimit() == 0 ? 20 : request.getLimit();
            if (limit < 1 || limit > 100) {
                throw RefusedRequest.invalid("limit: 1 to 100");
            }
            if (request.getPersonKeysCount() < 1 || request.getPersonKeysCount() > 50
                    || request.getPersonKeysList().stream().anyMatch(k -> k.isEmpty() || k.length() > 200)) {
                throw RefusedRequest.invalid("personKeys: 1 to 50 ids of 1 to 200 characters");
            }
            return answers.personAnswers(scope, request.getPersonKeysList(), limit);
        }).map(SurveyResultsGrpcService::submissions).onFailure().transform(FeedbackCallers::toStatus);
    }

    /** Rows of answers, a submission's in a row, as submissions with their answers. */
    private static ListPersonAnswersResponse submissions(List<SurveyResultsStore.PersonAnswerRow> rows) {
        ListPersonAnswersResponse.Builder out = ListPersonAnswersResponse.newBuilder();
        PersonSubmission.Builder current = null;
        for (SurveyResultsStore.PersonAnswerRow row : rows) {
            if (current == null || !current.getSubmissionId().equals(row.submission().toString())) {
                if (current != null) {
                    out.addSubmissions(current);
                }
                current = PersonSubmission.newBuilder().setSurveyKey(row.survey())
                        .setSubmissionId(row.submission().toString()).setShownAt(ProtoValues.timestamp(row.shownAt()))
                        .setCompleted(row.completed()).setDismissed(row.dismissed());
            }
            if (row.question() != null) {
                PersonAnswer.Builder answer = PersonAnswer.newBuilder().setQuestionId(row.question());
                if (row.score() != null) {
                    answer.setScore(row.score());
                }
                if (row.choices() != null) {
                    answer.addAllChoices(List.of(row.choices()));
                }
                answer.setOther(row.other() == null ? "" : row.other()).setText(row.text() == null ? "" : row.text());
                current.addAnswers(answer);
            }
        }
        if (current != null) {
            out.addSubmissions(current);
        }
        return out.build();
    }

    @Override
    public Uni<FeedbackScreenshot> getFeedbackScreenshot(GetFeedbackScreenshotRequest request) {
        return callers.reader(request.getEnvironment())
                .chain(scope -> wall.screenshot(scope, request.getFeedbackId()))
                .onFailure().transform(FeedbackCallers::toStatus);
    }

    private static SurveyResultsReport.Options options(GetSurveyResultsRequest request) {
        if (request.getBreakdown() == BreakdownKind.UNRECOGNIZED || request.getPeriod() == Period.UNRECOGNIZED) {
            throw RefusedRequest.invalid("breakdown or period is not one of the listed values");
        }
        if (request.getBreakdown() != BreakdownKind.BREAKDOWN_KIND_UNSPECIFIED
                && (request.getBreakdownKey().isEmpty() || request.getBreakdownKey().length() > 200)) {
            throw RefusedRequest.invalid("breakdownKey: the property, flag or experiment, 1 to 200 characters");
        }
        double alpha = request.getAlpha() == 0 ? 0.05 : request.getAlpha();
        if (!(alpha > 0 && alpha <= 0.5)) {
            throw RefusedRequest.invalid("alpha is above 0 and at most 0.5");
        }
        Instant from = request.hasFrom() ? instant(request.getFrom()) : null;
        Instant to = request.hasTo() ? instant(request.getTo()) : null;
        if (from != null && to != null && !to.isAfter(from)) {
            throw RefusedRequest.invalid("to must be after from");
        }
        return new SurveyResultsReport.Options(request.getBreakdown(), request.getBreakdownKey(), from, to,
                request.getPeriod(), alpha);
    }

    private SurveyResultsReport.Variations variations(String key) {
        return (environment, experiment, people) -> {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + key);
            return experiments.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listUnitVariations(ListUnitVariationsRequest.newBuilder().setEnvironment(environment)
                            .setExperimentKey(experiment).addAllUnitIds(people).build())
                    .map(found -> {
                        Map<String, String> out = new HashMap<>();
                        found.getUnitsList().forEach(u -> out.put(u.getUnitId(), u.getVariationKey().isEmpty()
                                ? Integer.toString(u.getVariationIndex())
                                : u.getVariationKey()));
                        return out;
                    })
                    .onFailure(StatusRuntimeException.class).transform(failure -> {
                        Status status = ((StatusRuntimeException) failure).getStatus();
                        if (status.getCode() == Status.Code.NOT_FOUND) {
                            return new RefusedRequest(Refusal.NOT_FOUND, "experiment '" + experiment
                                    + "' has no exposures in " + environment);
                        }
                        if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
                            return RefusedRequest.invalid(status.getDescription());
                        }
                        return Status.UNAVAILABLE.withDescription("experiment exposures are unavailable ("
                                + status.getCode() + "); retry").asRuntimeException();
                    });
        };
    }

    private static Instant instant(com.google.protobuf.Timestamp t) {
        try {
            return ProtoValues.instant(t);
        } catch (IllegalArgumentException e) {
            throw RefusedRequest.invalid(e.getMessage());
        }
    }

}
