package dev.flywheel.feedback.grpc;

import dev.flywheel.feedback.service.SurveyCatalog;
import dev.flywheel.feedback.service.SurveySnapshots;
import dev.flywheel.proto.common.v1.AuditEntry;
import dev.flywheel.proto.common.v1.AuditPage;
import dev.flywheel.proto.feedback.v1.DeleteSurveyRequest;
import dev.flywheel.proto.feedback.v1.DeleteSurveyResponse;
import dev.flywheel.proto.feedback.v1.GetSurveyRequest;
import dev.flywheel.proto.feedback.v1.ListSurveyAuditRequest;
import dev.flywheel.proto.feedback.v1.ListSurveysRequest;
import dev.flywheel.proto.feedback.v1.ListSurveysResponse;
import dev.flywheel.proto.feedback.v1.PutSurveyRequest;
import dev.flywheel.proto.feedback.v1.SetSurveyStatusRequest;
import dev.flywheel.proto.feedback.v1.Survey;
import dev.flywheel.proto.feedback.v1.SurveyAdminService;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.RefusedRequest;
import dev.flywheel.surveys.SurveyDefinition;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Survey management over gRPC, for admin keys. */
@GrpcService
public class SurveyAdminGrpcService implements SurveyAdminService {

    private final FeedbackCallers callers;
    private final SurveyCatalog catalog;
    private final SurveySnapshots snapshots;

    public SurveyAdminGrpcService(FeedbackCallers callers, SurveyCatalog catalog, SurveySnapshots snapshots) {
        this.callers = callers;
        this.catalog = catalog;
        this.snapshots = snapshots;
    }

    @Override
    public Uni<Survey> putSurvey(PutSurveyRequest request) {
        return callers.admin(request.getEnvironment())
                .chain(admin -> catalog.put(admin.scope().getProjectId(), admin.scope().getEnvironment(),
                        key(request.getKey()), request.getDefinitionJson(), request.getExpectedVersion(),
                        admin.actor()).call(ignored -> applied(admin)))
                .map(SurveyAdminGrpcService::toProto).onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<Survey> getSurvey(GetSurveyRequest request) {
        return callers.admin(request.getEnvironment())
                .chain(admin -> catalog.get(admin.scope().getProjectId(), admin.scope().getEnvironment(),
                        key(request.getKey())))
                .map(SurveyAdminGrpcService::toProto).onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<ListSurveysResponse> listSurveys(ListSurveysRequest request) {
        return callers.admin(request.getEnvironment())
                .chain(admin -> catalog.list(admin.scope().getProjectId(), admin.scope().getEnvironment()))
                .map(list -> {
                    ListSurveysResponse.Builder out = ListSurveysResponse.newBuilder();
                    list.forEach(s -> out.addSurveys(toProto(s)));
                    return out.build();
                }).onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<Survey> setSurveyStatus(SetSurveyStatusRequest request) {
        return callers.admin(request.getEnvironment())
                .chain(admin -> catalog.setStatus(admin.scope().getProjectId(), admin.scope().getEnvironment(),
                        key(request.getKey()), request.getStatus(), request.getExpectedVersion(), admin.actor())
                        .call(ignored -> applied(admin)))
                .map(SurveyAdminGrpcService::toProto).onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<DeleteSurveyResponse> deleteSurvey(DeleteSurveyRequest request) {
        return callers.admin(request.getEnvironment())
                .chain(admin -> catalog.delete(admin.scope().getProjectId(), admin.scope().getEnvironment(),
                        key(request.getKey()), request.getExpectedVersion(), admin.actor())
                        .call(ignored -> applied(admin)))
                .replaceWith(DeleteSurveyResponse.getDefaultInstance())
                .onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<AuditPage> listSurveyAudit(ListSurveyAuditRequest request) {
        return callers.admin(request.getEnvironment())
                .chain(admin -> catalog.audit(admin.scope().getProjectId(), admin.scope().getEnvironment(),
                        request.getKey(), request.getBeforeId(), request.getPageSize()))
                .map(entries -> AuditPage.newBuilder().addAllEntries(entries.stream()
                        .map(entry -> entry.<AuditEntry>toProto(AuditEntry.newBuilder())).toList()).build())
                .onFailure().transform(FeedbackCallers::toStatus);
    }

    /** Read-your-writes on this replica: its running surveys are current before the change is acknowledged. */
    private Uni<Void> applied(FeedbackCallers.Admin admin) {
        return snapshots.refresh(admin.scope().getProjectId(), admin.scope().getEnvironment());
    }

    static String key(String key) {
        if (!SurveyDefinition.KEY.matcher(key).matches()) {
            throw RefusedRequest.invalid("key must match " + SurveyDefinition.KEY.pattern());
        }
        return key;
    }

    private static Survey toProto(SurveyCatalog.Stored stored) {
        return Survey.newBuilder().setKey(stored.key()).setEnvironment(stored.environment())
                .setDefinitionJson(stored.definition()).setStatus(stored.status()).setVersion(stored.version())
                .setUpdatedAt(ProtoValues.timestamp(stored.updatedAt())).build();
    }
}
