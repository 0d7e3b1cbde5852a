package dev.flywheel.gateway.flags.rest;

import java.time.Instant;
import java.util.List;
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
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.gateway.access.ProjectAdminAccess;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.flags.client.FeatureFlagsClient;
import dev.flywheel.gateway.json.JsonBodies;
import dev.flywheel.gateway.json.ProtoJson;
import dev.flywheel.proto.flags.v1.AuditEntry;
import dev.flywheel.proto.flags.v1.DeleteFlagRequest;
import dev.flywheel.proto.flags.v1.EvaluateFlagsRequest;
import dev.flywheel.proto.flags.v1.ExportFlagsRequest;
import dev.flywheel.proto.flags.v1.FlagRecord;
import dev.flywheel.proto.flags.v1.GetFlagRequest;
import dev.flywheel.proto.flags.v1.ImportFlagsRequest;
import dev.flywheel.proto.flags.v1.ImportMode;
import dev.flywheel.proto.flags.v1.ListAuditRequest;
import dev.flywheel.proto.flags.v1.ListFlagsRequest;
import dev.flywheel.proto.flags.v1.PutFlagRequest;
import dev.flywheel.service.grpc.ProtoValues;
import io.smallrye.mutiny.Uni;

/**
 * Flag management for one environment of a project, with a project admin key. Definitions are flagd JSON; a whole
 * environment can be exported and imported as a flagd document. Each flag's version is its ETag, and If-Match makes
 * an update conditional (412-free: a stale version answers 409 with the current version in the detail).
 */
@Path("/api/v1/projects/{projectId}/environments/{environment}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Feature flags")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.PROJECT_DEFINITIONS)
public class FlagResource {

    private final JsonBodies bodies;
    private final FeatureFlagsClient flags;
    private final ProjectAdminAccess access;
    private final ObjectMapper json;

    public FlagResource(FeatureFlagsClient flags, ProjectAdminAccess access,
            ObjectMapper json, JsonBodies bodies) {
        this.bodies = bodies;
        this.flags = flags;
        this.access = access;
        this.json = json;
    }

    public record FlagView(String key, JsonNode definition, long version, Instant updatedAt, String updatedBy) {
    }

    public record FlagList(long environmentVersion, List<FlagView> flags) {
    }

    public record PutView(FlagView flag, boolean created, List<String> warnings) {
    }

    public record ImportView(List<String> created, List<String> updated, List<String> deleted,
            List<String> unchanged, List<String> warnings, long environmentVersion) {
    }

    @Schema(name = "FlagAuditEntry")
    public record AuditView(long id, String key, String action, String actor, Instant at, JsonNode before,
            JsonNode after, long version, String comment) {
    }

    @GET
    @Path("/flags")
    @Operation(summary = "List the environment's flags")
    public Uni<FlagList> list(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment) {
        return checked(projectId, environment).flatMap(token -> flags.list(token,
                ListFlagsRequest.newBuilder().setEnvironment(environment).build()))
                .map(list -> new FlagList(list.getEnvironmentVersion(),
                        list.getFlagsList().stream().map(this::view).toList()));
    }

    @GET
    @Path("/flags/{key}")
    @Operation(summary = "Read one flag; its version is the ETag")
    public Uni<Response> get(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key) {
        return checked(projectId, environment).flatMap(token -> flags.get(token,
                GetFlagRequest.newBuilder().setEnvironment(environment).setKey(key).build()))
                .map(flag -> Response.ok(view(flag)).tag(Long.toString(flag.getVersion())).build());
    }

    @PUT
    @Path("/flags/{key}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create or replace one flag (its flagd definition); If-Match: \"<version>\" makes it conditional, If-None-Match: * create-only")
    public Uni<Response> put(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch, @QueryParam("comment") String comment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "FlagdFlag"))) byte[] body) {
        long expected = ProjectAdminAccess.expectedVersion(ifMatch, ifNoneMatch);
        return checked(projectId, environment).flatMap(token -> flags.put(token,
                PutFlagRequest.newBuilder().setEnvironment(environment).setKey(key)
                        .setDefinitionJson(bodies.text(body)).setExpectedVersion(expected)
                        .setComment(comment == null ? "" : comment).build()))
                .map(result -> Response.status(result.getCreated() ? 201 : 200)
                        .tag(Long.toString(result.getFlag().getVersion()))
                        .entity(new PutView(view(result.getFlag()), result.getCreated(), result.getWarningsList()))
                        .build());
    }

    @DELETE
    @Path("/flags/{key}")
    @Operation(summary = "Delete one flag")
    public Uni<Response> delete(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @QueryParam("comment") String comment) {
        return checked(projectId, environment).flatMap(token -> flags.delete(token,
                DeleteFlagRequest.newBuilder().setEnvironment(environment).setKey(key)
                        .setExpectedVersion(version(ifMatch)).setComment(comment == null ? "" : comment).build()))
                .map(deleted -> Response.noContent().build());
    }

    @POST
    @Path("/flags/{key}/evaluate")
    @Access(Access.Level.PROJECT_MEMBER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Try a flag: what a client of this environment gets for a context ({\"context\": {...}})")
    public Uni<ObjectNode> tryFlag(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("key") String key,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "OfrepEvaluationRequest"))) JsonNode body) {
        EvaluateFlagsRequest.Builder request = body == null || body.isNull()
                ? EvaluateFlagsRequest.newBuilder()
                : ProtoJson.read(body, EvaluateFlagsRequest.newBuilder(), "");
        request.setKey(key).setEnvironment(environment);
        return checked(projectId, environment).flatMap(token -> flags.evaluate(token, request.build()))
                .map(answer -> ProtoJson.write(answer.getFlags(0)));
    }

    @GET
    @Path("/flagd")
    @Operation(summary = "Export the environment as a flagd flag document")
    public Uni<Response> export(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment) {
        return checked(projectId, environment).flatMap(token -> flags.export(token,
                ExportFlagsRequest.newBuilder().setEnvironment(environment).build()))
                .map(export -> Response.ok(export.getDocumentJson(), MediaType.APPLICATION_JSON)
                        .tag(Long.toString(export.getEnvironmentVersion())).build());
    }

    @PUT
    @Path("/flagd")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Replace the environment's flags with a flagd document (rejected as a whole if any part is invalid)")
    public Uni<ImportView> replace(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @QueryParam("comment") String comment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "FlagdDocument"))) byte[] body) {
        return importDocument(projectId, environment, bodies.text(body),
                ImportMode.IMPORT_MODE_REPLACE, comment);
    }

    @POST
    @Path("/flagd")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Merge a flagd document into the environment: its flags are created or replaced, others stay")
    public Uni<ImportView> merge(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @QueryParam("comment") String comment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "FlagdDocument"))) byte[] body) {
        return importDocument(projectId, environment, bodies.text(body),
                ImportMode.IMPORT_MODE_MERGE, comment);
    }

    @GET
    @Path("/flag-audit")
    @Operation(summary = "The environment's flag changes, newest first (who, when, before and after)")
    public Uni<List<AuditView>> audit(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @QueryParam("key") String key,
            @QueryParam("limit") Integer limit,
            @QueryParam("before") Long before) {
        return checked(projectId, environment).flatMap(token -> flags.audit(token,
                ListAuditRequest.newBuilder().setEnvironment(environment).setKey(key == null ? "" : key)
                        .setPageSize(limit == null ? 50 : limit).setBeforeId(before == null ? 0 : before).build()))
                .map(page -> page.getEntriesList().stream().map(this::view).toList());
    }

    private Uni<ImportView> importDocument(UUID projectId, String environment, String document,
            ImportMode mode, String comment) {
        return checked(projectId, environment).flatMap(token -> flags.importFlags(token, ImportFlagsRequest.newBuilder()
                .setEnvironment(environment).setDocumentJson(document).setMode(mode)
                .setComment(comment == null ? "" : comment).build()))
                .map(r -> new ImportView(r.getCreatedList(), r.getUpdatedList(), r.getDeletedList(),
                        r.getUnchangedList(), r.getWarningsList(), r.getEnvironmentVersion()));
    }

    private Uni<String> checked(UUID projectId, String environment) {
        return access.keyFor(projectId, environment, "Flags");
    }

    private static long version(String ifMatch) {
        return ProjectAdminAccess.ifMatchVersion(ifMatch);
    }

    private FlagView view(FlagRecord flag) {
        return new FlagView(flag.getKey(), tree(flag.getDefinitionJson()), flag.getVersion(),
                ProtoValues.instant(flag.getUpdatedAt()),
                flag.getUpdatedBy());
    }

    private AuditView view(AuditEntry entry) {
        return new AuditView(entry.getId(), entry.getKey().isEmpty() ? null : entry.getKey(), entry.getAction(),
                entry.getActor(), ProtoValues.instant(entry.getAt()),
                entry.getBeforeJson().isEmpty() ? null : tree(entry.getBeforeJson()),
                entry.getAfterJson().isEmpty() ? null : tree(entry.getAfterJson()), entry.getVersion(),
                entry.getComment().isEmpty() ? null : entry.getComment());
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the feature-flags service sent unreadable JSON", e);
        }
    }
}
