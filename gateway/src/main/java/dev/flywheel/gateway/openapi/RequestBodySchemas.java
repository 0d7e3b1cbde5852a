package dev.flywheel.gateway.openapi;

import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

import dev.flywheel.gateway.json.ProtoJsonSchemas;
import dev.flywheel.proto.analytics.v1.AarrrRequest;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryRequest;
import dev.flywheel.proto.analytics.v1.ActiveUsersRequest;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import dev.flywheel.proto.analytics.v1.ChurnRequest;
import dev.flywheel.proto.analytics.v1.Dashboard;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.FunnelCorrelationRequest;
import dev.flywheel.proto.analytics.v1.FunnelPeopleRequest;
import dev.flywheel.proto.analytics.v1.FunnelRequest;
import dev.flywheel.proto.analytics.v1.GetExperimentResultsRequest;
import dev.flywheel.proto.analytics.v1.LifecycleRequest;
import dev.flywheel.proto.analytics.v1.NorthStarRequest;
import dev.flywheel.proto.analytics.v1.PathPeopleRequest;
import dev.flywheel.proto.analytics.v1.PathsRequest;
import dev.flywheel.proto.analytics.v1.RetentionCorrelationRequest;
import dev.flywheel.proto.analytics.v1.RetentionPeopleRequest;
import dev.flywheel.proto.analytics.v1.RetentionRequest;
import dev.flywheel.proto.analytics.v1.SavedInsight;
import dev.flywheel.proto.analytics.v1.TimeToValueRequest;
import dev.flywheel.proto.analytics.v1.TrendsRequest;
import dev.flywheel.proto.feedback.v1.DismissSurveyRequest;
import dev.flywheel.proto.feedback.v1.NextSurveyRequest;
import dev.flywheel.proto.feedback.v1.SubmitAnswersRequest;
import dev.flywheel.proto.feedback.v1.SubmitFeedbackRequest;
import dev.flywheel.proto.recordings.v1.RecordingSettings;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Puts the schemas of the contract messages that REST bodies are read into (operations name them with
 * {@code @Schema(ref = "<message>")}) into the published document, derived from the proto. The fields a body must
 * not carry (the path supplies them, or the server sets them) are left out.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class RequestBodySchemas implements OASFilter {

    private static final Set<String> ENVIRONMENT = Set.of("environment");

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        ProtoJsonSchemas bodies = new ProtoJsonSchemas()
                .add(TrendsRequest.getDescriptor(), ENVIRONMENT)
                .add(ActiveUsersRequest.getDescriptor(), ENVIRONMENT)
                .add(FunnelRequest.getDescriptor(), ENVIRONMENT)
                .add(PathsRequest.getDescriptor(), ENVIRONMENT)
                .add(PathPeopleRequest.getDescriptor(), ENVIRONMENT)
                .add(RetentionRequest.getDescriptor(), ENVIRONMENT)
                // after the questions they nest, whose schemas leave the environment to the path
                .add(FunnelCorrelationRequest.getDescriptor(), ENVIRONMENT)
                .add(FunnelPeopleRequest.getDescriptor(), ENVIRONMENT)
                .add(RetentionPeopleRequest.getDescriptor(), ENVIRONMENT)
                .add(RetentionCorrelationRequest.getDescriptor(), ENVIRONMENT)
                .add(ActivationDiscoveryRequest.getDescriptor(), ENVIRONMENT)
                .add(LifecycleRequest.getDescriptor(), ENVIRONMENT)
                .add(ChurnRequest.getDescriptor(), ENVIRONMENT)
                .add(TimeToValueRequest.getDescriptor(), ENVIRONMENT)
                .add(AarrrRequest.getDescriptor(), ENVIRONMENT)
                .add(NorthStarRequest.getDescriptor(), ENVIRONMENT)
                .add(AnalyticsSettings.getDescriptor(), Set.of("version"))
                .add(GetExperimentResultsRequest.getDescriptor(), Set.of("environment", "experimentKey"))
                .add(ExperimentMetric.getDescriptor(), Set.of("key", "version"))
                .add(SavedInsight.getDescriptor(), Set.of("key", "kind", "version", "updatedBy", "updatedAt"))
                .add(Dashboard.getDescriptor(), Set.of("key", "version", "updatedBy", "updatedAt"))
                .add(NextSurveyRequest.getDescriptor(), Set.of())
                .add(SubmitAnswersRequest.getDescriptor(), Set.of("surveyKey"))
                .add(DismissSurveyRequest.getDescriptor(), Set.of("surveyKey"))
                .add(SubmitFeedbackRequest.getDescriptor(), Set.of())
                .add(RecordingSettings.getDescriptor(), Set.of());
        if (openApi.getComponents() == null) {
            openApi.setComponents(OASFactory.createComponents());
        }
        bodies.schemas().forEach(openApi.getComponents()::addSchema);
        openApi.getComponents().addSchema("RecordingChunk", recordingChunk());
    }

    /** The recorder's chunk envelope (docs/recordings.md): not a proto message, the browser's own format. */
    private static Schema recordingChunk() {
        Schema text = OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING));
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("One chunk of a session recording: rrweb events with the ids that place them")
                .required(List.of("sessionId", "windowId", "sequence", "distinctId", "events"))
                .addProperty("sessionId", text).addProperty("windowId", text)
                .addProperty("sequence", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)))
                .addProperty("distinctId", text)
                .addProperty("context", OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                        .description("flags: flag → variant; variations: experiment → variation"))
                .addProperty("events", OASFactory.createSchema().type(List.of(Schema.SchemaType.ARRAY))
                        .items(OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))));
    }
}
