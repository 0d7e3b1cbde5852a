package dev.flywheel.gateway.recordings;

import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.gateway.access.ProjectAdminAccess;
import dev.flywheel.gateway.audit.ProjectAudit;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.feedback.client.FeedbackClient;
import dev.flywheel.gateway.json.JsonBodies;
import dev.flywheel.gateway.json.ProtoJson;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.recordings.v1.RecordingSettings;
import io.smallrye.mutiny.Uni;

/** A project's recording settings: how many days recordings are kept (the retention job erases older ones). */
@Path("/api/v1/projects/{projectId}/recording-settings")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Recordings")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.PROJECT_SETTINGS)
public class RecordingSettingsResource {

    private final FeedbackClient feedback;
    private final ProjectAdminAccess access;
    private final CallerContext callerContext;
    private final ProjectAudit audit;
    private final JsonBodies bodies;

    public RecordingSettingsResource(FeedbackClient feedback, ProjectAdminAccess access,
            CallerContext callerContext, ProjectAudit audit, JsonBodies bodies) {
        this.feedback = feedback;
        this.access = access;
        this.callerContext = callerContext;
        this.audit = audit;
        this.bodies = bodies;
    }

    @GET
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "How many days the project's recordings are kept")
    public Uni<ObjectNode> get(@PathParam("projectId") UUID projectId) {
        return access.keyFor(projectId, null, "Recording settings")
                .chain(feedback::recordingSettings).map(ProtoJson::write);
    }

    @PUT
    @Operation(summary = "Set how many days recordings are kept: {retentionDays} from 1 to 3650, 0 for the default")
    public Uni<ObjectNode> put(@PathParam("projectId") UUID projectId,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RecordingSettings"))) byte[] body) {
        callerContext.caller().requireAdminOf(projectId);
        var json = bodies.tree(body);
        if (json == null) {
            throw ApiException.invalid("body", "a JSON object is required");
        }
        RecordingSettings settings = ProtoJson.read(json, RecordingSettings.newBuilder(), "").build();
        return audit.after(access.keyFor(projectId, null, "Recording settings")
                .chain(token -> feedback.putRecordingSettings(token, settings)), projectId, callerContext.caller(),
                "recordings.settings", kept -> "project:" + projectId,
                kept -> ProjectAudit.details("retentionDays", kept.getRetentionDays()))
                .map(ProtoJson::write);
    }
}
