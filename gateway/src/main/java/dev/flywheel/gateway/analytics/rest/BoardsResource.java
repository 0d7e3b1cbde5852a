package dev.flywheel.gateway.analytics.rest;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import dev.flywheel.gateway.access.ProjectAdminAccess;
import dev.flywheel.gateway.analytics.client.BoardsClient;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.json.AuditView;
import dev.flywheel.gateway.json.ProtoJson;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.analytics.v1.Dashboard;
import dev.flywheel.proto.analytics.v1.DeleteDashboardRequest;
import dev.flywheel.proto.analytics.v1.DeleteSavedInsightRequest;
import dev.flywheel.proto.analytics.v1.GetDashboardRequest;
import dev.flywheel.proto.analytics.v1.GetSavedInsightRequest;
import dev.flywheel.proto.analytics.v1.ListBoardAuditRequest;
import dev.flywheel.proto.analytics.v1.ListDashboardsRequest;
import dev.flywheel.proto.analytics.v1.ListSavedInsightsRequest;
import dev.flywheel.proto.analytics.v1.PutDashboardRequest;
import dev.flywheel.proto.analytics.v1.PutSavedInsightRequest;
import dev.flywheel.proto.analytics.v1.SavedInsight;
import io.smallrye.mutiny.Uni;

/**
 * A project's saved insights and dashboards: every member reads them, editors (and admin keys) change them. The
 * version is the ETag; If-Match makes a change conditional, If-None-Match: * create-only. See docs/analytics.md.
 */
@Path("/api/v1/projects/{projectId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Insights and dashboards")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.PROJECT_DEFINITIONS)
public class BoardsResource {

    private static final String WHAT = "Insights and dashboards";

    private final BoardsClient boards;
    private final ProjectAdminAccess access;

    public BoardsResource(BoardsClient boards, ProjectAdminAccess access) {
        this.boards = boards;
        this.access = access;
    }

    @GET
    @Path("/insights")
    @Operation(summary = "The project's saved insights")
    public Uni<ObjectNode> insights(@PathParam("projectId") UUID projectId) {
        return access.keyFor(projectId, null, WHAT).chain(key -> boards.call(key,
                stub -> stub.listInsights(ListSavedInsightsRequest.getDefaultInstance()))).map(ProtoJson::write);
    }

    @GET
    @Path("/insights/{key}")
    @Operation(summary = "One saved insight; its version is the ETag")
    public Uni<Response> insight(@PathParam("projectId") UUID projectId, @PathParam("key") String key) {
        return access.keyFor(projectId, null, WHAT).chain(token -> boards.call(token,
                stub -> stub.getInsight(GetSavedInsightRequest.newBuilder().setKey(key).build())))
                .map(saved -> tagged(saved, saved.getVersion()));
    }

    @PUT
    @Path("/insights/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Save an insight (create or replace): name, environment and the question as queryJson")
    public Uni<Response> putInsight(@PathParam("projectId") UUID projectId, @PathParam("key") String key,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "SavedInsight"))) JsonNode body) {
        long expected = ProjectAdminAccess.expectedVersion(ifMatch, ifNoneMatch);
        SavedInsight read = ProtoJson.read(body, SavedInsight.newBuilder(), "").build();
        keyed(read.getKey(), key);
        SavedInsight insight = read.toBuilder().setKey(key).build();
        // a named environment must be one of the project's (404); none at all is the service's 400
        return access.keyFor(projectId, insight.getEnvironment().isEmpty() ? null : insight.getEnvironment(), WHAT)
                .chain(token -> boards.call(token,
                        stub -> stub.putInsight(PutSavedInsightRequest.newBuilder().setInsight(insight)
                                .setExpectedVersion(expected).build())))
                .map(saved -> tagged(saved, saved.getVersion()));
    }

    @DELETE
    @Path("/insights/{key}")
    @Operation(summary = "Delete a saved insight (refused while a dashboard shows it); If-Match makes it conditional")
    public Uni<Response> deleteInsight(@PathParam("projectId") UUID projectId, @PathParam("key") String key,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        long expected = ProjectAdminAccess.ifMatchVersion(ifMatch);
        return access.keyFor(projectId, null, WHAT).chain(token -> boards.call(token,
                stub -> stub.deleteInsight(DeleteSavedInsightRequest.newBuilder().setKey(key)
                        .setExpectedVersion(expected).build())))
                .map(deleted -> Response.noContent().build());
    }

    @GET
    @Path("/dashboards")
    @Operation(summary = "The project's dashboards")
    public Uni<ObjectNode> dashboards(@PathParam("projectId") UUID projectId) {
        return access.keyFor(projectId, null, WHAT).chain(key -> boards.call(key,
                stub -> stub.listDashboards(ListDashboardsRequest.getDefaultInstance()))).map(ProtoJson::write);
    }

    @GET
    @Path("/dashboards/{key}")
    @Operation(summary = "One dashboard; its version is the ETag")
    public Uni<Response> dashboard(@PathParam("projectId") UUID projectId, @PathParam("key") String key) {
        return access.keyFor(projectId, null, WHAT).chain(token -> boards.call(token,
                stub -> stub.getDashboard(GetDashboardRequest.newBuilder().setKey(key).build())))
                .map(saved -> tagged(saved, saved.getVersion()));
    }

    @PUT
    @Path("/dashboards/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a dashboard: a name and its tiles (saved insights, in order, width 1 or 2)")
    public Uni<Response> putDashboard(@PathParam("projectId") UUID projectId, @PathParam("key") String key,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Dashboard"))) JsonNode body) {
        long expected = ProjectAdminAccess.expectedVersion(ifMatch, ifNoneMatch);
        Dashboard read = ProtoJson.read(body, Dashboard.newBuilder(), "").build();
        keyed(read.getKey(), key);
        Dashboard dashboard = read.toBuilder().setKey(key).build();
        return access.keyFor(projectId, null, WHAT).chain(token -> boards.call(token,
                stub -> stub.putDashboard(PutDashboardRequest.newBuilder().setDashboard(dashboard)
                        .setExpectedVersion(expected).build())))
                .map(saved -> tagged(saved, saved.getVersion()));
    }

    @DELETE
    @Path("/dashboards/{key}")
    @Operation(summary = "Delete a dashboard (its insights stay); If-Match makes it conditional")
    public Uni<Response> deleteDashboard(@PathParam("projectId") UUID projectId, @PathParam("key") String key,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        long expected = ProjectAdminAccess.ifMatchVersion(ifMatch);
        return access.keyFor(projectId, null, WHAT).chain(token -> boards.call(token,
                stub -> stub.deleteDashboard(DeleteDashboardRequest.newBuilder().setKey(key)
                        .setExpectedVersion(expected).build())))
                .map(deleted -> Response.noContent().build());
    }

    @GET
    @Path("/board-audit")
    @Operation(summary = "Changes to saved insights and dashboards (who, when, before and after), newest first; key=insights/<key> or dashboards/<key> narrows, before=<id> pages")
    public Uni<List<AuditView>> audit(@PathParam("projectId") UUID projectId, @QueryParam("key") String key,
            @QueryParam("limit") Integer limit, @QueryParam("before") Long before) {
        return access.keyFor(projectId, null, WHAT).chain(token -> boards.call(token,
                stub -> stub.listBoardAudit(ListBoardAuditRequest.newBuilder().setKey(key == null ? "" : key)
                        .setPageSize(limit == null ? 0 : limit).setBeforeId(before == null ? 0 : before).build())))
                .map(page -> page.getEntriesList().stream().map(entry -> AuditView.of(entry, BoardsResource::recorded))
                        .toList());
    }

    /** A body may name the path's key or none; another is a 400. */
    private static void keyed(String inBody, String inPath) {
        if (!inBody.isEmpty() && !inBody.equals(inPath)) {
            throw ApiException.invalid("key", "differs from the key in the path");
        }
    }

    /** An insight or dashboard as the audit recorded it (the proto3 JSON mapping), shown as the endpoints show it. */
    private static JsonNode recorded(String json) {
        // a saved insight always has its question; a dashboard never has one
        Message.Builder definition = json.contains("\"queryJson\"")
                ? SavedInsight.newBuilder()
                : Dashboard.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(json, definition);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the metrics-aggregator recorded an unreadable board", e);
        }
        return ProtoJson.write(definition.build());
    }

    private static Response tagged(Message definition, long version) {
        return Response.ok(ProtoJson.write(definition)).tag(Long.toString(version)).build();
    }
}
