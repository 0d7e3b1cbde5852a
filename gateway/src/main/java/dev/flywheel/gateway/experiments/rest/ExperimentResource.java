package dev.flywheel.gateway.experiments.rest;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.gateway.access.ProjectAdminAccess;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.experiments.client.ExperimentsClient;
import dev.flywheel.gateway.json.AuditView;
import dev.flywheel.gateway.json.JsonBodies;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.experiments.v1.AssignRequest;
import dev.flywheel.proto.experiments.v1.ChangeStatusRequest;
import dev.flywheel.proto.experiments.v1.DeleteExperimentRequest;
import dev.flywheel.proto.experiments.v1.ExperimentRecord;
import dev.flywheel.proto.experiments.v1.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.GetExperimentRequest;
import dev.flywheel.proto.experiments.v1.GrowthBookFeaturesRequest;
import dev.flywheel.proto.experiments.v1.ListAuditRequest;
import dev.flywheel.proto.experiments.v1.ListExperimentsRequest;
import dev.flywheel.proto.experiments.v1.ProjectSettings;
import dev.flywheel.proto.experiments.v1.PutExperimentRequest;
import dev.flywheel.proto.experiments.v1.PutSettingsRequest;
import dev.flywheel.service.grpc.ProtoValues;
import io.smallrye.mutiny.Uni;

/**
 * Experiment management with a project admin key: definitions per environment (JSON, see docs/experiments.md), the
 * lifecycle draft -> running -> stopped (optionally releasing a winner), the audit log and the project's holdout.
 * Each experiment's version is its ETag; If-Match makes a change conditional (409 when stale).
 */
@Path("/api/v1/projects/{projectId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Experiments")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.PROJECT_DEFINITIONS)
public class ExperimentResource {

    private final JsonBodies bodies;
    private final ExperimentsClient experiments;
    private final ProjectAdminAccess access;
    private final ObjectMapper json;

    public ExperimentResource(ExperimentsClient experiments, ProjectAdminAccess access,
            ObjectMapper json, JsonBodies bodies) {
        this.bodies = bodies;
        this.experiments = experiments;
        this.access = access;
        this.json = json;
    }

    public record ExperimentView(String key, JsonNode definition, String status, String releasedVariation,
            long version, Instant createdAt, Instant updatedAt, String updatedBy, Instant startedAt,
            Instant stoppedAt) {
    }

    public record ExperimentList(long environmentVersion, List<ExperimentView> experiments) {
    }

    public record PutView(ExperimentView experiment, boolean created) {
    }

    /** A lifecycle change: {@code status} is "running" or "stopped". */
    @Schema(name = "ExperimentStatusChange")
    public record StatusChange(String status, String releasedVariation, String comment) {
    }

    public record SettingsView(double holdoutShare, long version) {
    }

    public record SettingsChange(Double holdoutShare, String comment) {
    }

    @GET
    @Path("/environments/{environment}/experiments")
    @Operation(summary = "List the environment's experiments, optionally only those in one status")
    public Uni<ExperimentList> list(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @QueryParam("status") String status) {
        ExperimentStatus filter = status == null ? ExperimentStatus.EXPERIMENT_STATUS_UNSPECIFIED : status(status);
        return checked(projectId, environment).flatMap(token -> experiments.list(token,
                ListExperimentsRequest.newBuilder().setEnvironment(environment).setStatus(filter).build()))
                .map(list -> new ExperimentList(list.getEnvironmentVersion(),
                        list.getExperimentsList().stream().map(this::view).toList()));
    }

    @GET
    @Path("/environments/{environment}/experiments/{key}")
    @Operation(summary = "Read one experiment; its version is the ETag")
    public Uni<Response> get(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key) {
        return checked(projectId, environment).flatMap(token -> experiments.get(token,
                GetExperimentRequest.newBuilder().setEnvironment(environment).setKey(key).build()))
                .map(e -> Response.ok(view(e)).tag(Long.toString(e.getVersion())).build());
    }

    @PUT
    @Path("/environments/{environment}/experiments/{key}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create (as a draft) or replace an experiment's definition; If-Match: \"<version>\" makes it conditional, If-None-Match: * create-only")
    public Uni<Response> put(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch, @QueryParam("comment") String comment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ExperimentDefinition"))) byte[] body) {
        long expected = ProjectAdminAccess.expectedVersion(ifMatch, ifNoneMatch);
        return checked(projectId, environment).flatMap(token -> experiments.put(token,
                PutExperimentRequest.newBuilder().setEnvironment(environment).setKey(key)
                        .setDefinitionJson(bodies.text(body)).setExpectedVersion(expected)
                        .setComment(comment == null ? "" : comment).build()))
                .map(result -> Response.status(result.getCreated() ? 201 : 200)
                        .tag(Long.toString(result.getExperiment().getVersion()))
                        .entity(new PutView(view(result.getExperiment()), result.getCreated())).build());
    }

    @POST
    @Path("/environments/{environment}/experiments/{key}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start (\"running\") or stop (\"stopped\", optionally with releasedVariation) an experiment")
    public Uni<Response> changeStatus(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("key") String key,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, StatusChange change) {
        if (change == null || change.status() == null) {
            throw ApiException.invalid("status", "required: \"running\" or \"stopped\"");
        }
        ExperimentStatus target = status(change.status());
        if (target == ExperimentStatus.EXPERIMENT_STATUS_DRAFT) {
            throw ApiException.invalid("status", "an experiment never returns to draft");
        }
        return checked(projectId, environment).flatMap(token -> experiments.changeStatus(token,
                ChangeStatusRequest.newBuilder().setEnvironment(environment).setKey(key).setStatus(target)
                        .setReleasedVariation(change.releasedVariation() == null ? "" : change.releasedVariation())
                        .setExpectedVersion(version(ifMatch))
                        .setComment(change.comment() == null ? "" : change.comment()).build()))
                .map(e -> Response.ok(view(e)).tag(Long.toString(e.getVersion())).build());
    }

    @POST
    @Path("/environments/{environment}/experiments/{key}/preview")
    @Access(Access.Level.PROJECT_MEMBER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Preview a user's assignment ({\"attributes\": {...}, \"url\": ...}): what they get now; writes nothing and records no exposure")
    public Uni<AssignResource.AssignmentView> preview(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("key") String key,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "AssignmentInput"))) byte[] body) {
        AssignResource.UserInput input = AssignResource.read(bodies, body);
        return checked(projectId, environment).flatMap(token -> experiments.assign(token, AssignRequest.newBuilder()
                .setExperimentKey(key).setEnvironment(environment).setAttributes(input.attributes())
                .setUrl(input.url()).build()))
                .map(answer -> AssignResource.view(answer.getAssignment()));
    }

    @DELETE
    @Path("/environments/{environment}/experiments/{key}")
    @Operation(summary = "Delete a draft (an experiment that ran is stopped, not deleted)")
    public Uni<Response> delete(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @QueryParam("comment") String comment) {
        return checked(projectId, environment).flatMap(token -> experiments.delete(token,
                DeleteExperimentRequest.newBuilder().setEnvironment(environment).setKey(key)
                        .setExpectedVersion(version(ifMatch)).setComment(comment == null ? "" : comment).build()))
                .map(deleted -> Response.noContent().build());
    }

    @GET
    @Path("/environments/{environment}/growthbook")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The environment's GrowthBook payload as SDKs get it, with the experiments it cannot carry and why")
    public Uni<Response> growthBook(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment) {
        return checked(projectId, environment)
                .chain(token -> experiments.growthBookFeatures(token, GrowthBookFeaturesRequest.newBuilder()
                        .setEnvironment(environment).build()).toUni())
                .map(payload -> Response.ok(payload.getPayloadJson(), MediaType.APPLICATION_JSON)
                        .tag(EntityTag.valueOf(payload.getEtag())).build());
    }

    @GET
    @Path("/environments/{environment}/experiment-audit")
    @Operation(summary = "The environment's experiment changes and the project's settings changes, newest first")
    public Uni<List<AuditView>> audit(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @QueryParam("key") String key,
            @QueryParam("limit") Integer limit, @QueryParam("before") Long before) {
        return checked(projectId, environment).flatMap(token -> experiments.audit(token,
                ListAuditRequest.newBuilder().setEnvironment(environment).setKey(key == null ? "" : key)
                        .setPageSize(limit == null ? 50 : limit).setBeforeId(before == null ? 0 : before).build()))
                .map(page -> page.getEntriesList().stream().map(entry -> AuditView.of(entry, this::tree)).toList());
    }

    @GET
    @Path("/experiment-settings")
    @Operation(summary = "The project's experiment settings (holdout share)")
    public Uni<SettingsView> settings(@PathParam("projectId") UUID projectId) {
        return checked(projectId, null).flatMap(experiments::settings).map(ExperimentResource::view);
    }

    @PUT
    @Access(Access.Level.PROJECT_SETTINGS)
    @Path("/experiment-settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the project's holdout: a share (0 to 0.5) of users kept out of every experiment")
    public Uni<SettingsView> putSettings(@PathParam("projectId") UUID projectId, SettingsChange change) {
        if (change == null || change.holdoutShare() == null) {
            throw ApiException.invalid("holdoutShare", "required, a number from 0 to 0.5");
        }
        return checked(projectId, null).flatMap(token -> experiments.putSettings(token, PutSettingsRequest
                .newBuilder().setSettings(ProjectSettings.newBuilder().setHoldoutShare(change.holdoutShare()))
                .setComment(change.comment() == null ? "" : change.comment()).build()))
                .map(ExperimentResource::view);
    }

    private Uni<String> checked(UUID projectId, String environment) {
        return access.keyFor(projectId, environment, "Experiments");
    }

    private static ExperimentStatus status(String status) {
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "draft" -> ExperimentStatus.EXPERIMENT_STATUS_DRAFT;
            case "running" -> ExperimentStatus.EXPERIMENT_STATUS_RUNNING;
            case "stopped" -> ExperimentStatus.EXPERIMENT_STATUS_STOPPED;
            default -> throw ApiException.invalid("status", "one of draft, running, stopped");
        };
    }

    private static long version(String ifMatch) {
        return ProjectAdminAccess.ifMatchVersion(ifMatch);
    }

    private ExperimentView view(ExperimentRecord e) {
        return new ExperimentView(e.getKey(), tree(e.getDefinitionJson()),
                e.getStatus().name().replace("EXPERIMENT_STATUS_", "").toLowerCase(Locale.ROOT),
                e.getReleasedVariation().isEmpty() ? null : e.getReleasedVariation(), e.getVersion(),
                ProtoValues.instant(e.getCreatedAt()), ProtoValues.instant(e.getUpdatedAt()), e.getUpdatedBy(),
                e.hasStartedAt() ? ProtoValues.instant(e.getStartedAt()) : null,
                e.hasStoppedAt() ? ProtoValues.instant(e.getStoppedAt()) : null);
    }

    private static SettingsView view(ProjectSettings s) {
        return new SettingsView(s.getHoldoutShare(), s.getVersion());
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the experiment-assignment service sent unreadable JSON", e);
        }
    }
}
