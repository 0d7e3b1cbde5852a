package dev.flywheel.gateway.analytics.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BiFunction;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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
import com.google.protobuf.Message;

import dev.flywheel.gateway.access.ProjectAdminAccess;
import dev.flywheel.gateway.analytics.client.AnalyticsClient;
import dev.flywheel.gateway.analytics.service.AnswerCache;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.json.ProtoJson;
import dev.flywheel.proto.analytics.v1.AarrrRequest;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryRequest;
import dev.flywheel.proto.analytics.v1.ActiveUsersRequest;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import dev.flywheel.proto.analytics.v1.ChurnRequest;
import dev.flywheel.proto.analytics.v1.FunnelCorrelationRequest;
import dev.flywheel.proto.analytics.v1.FunnelPeopleRequest;
import dev.flywheel.proto.analytics.v1.FunnelRequest;
import dev.flywheel.proto.analytics.v1.LifecycleRequest;
import dev.flywheel.proto.analytics.v1.NorthStarRequest;
import dev.flywheel.proto.analytics.v1.PathPeopleRequest;
import dev.flywheel.proto.analytics.v1.PathsRequest;
import dev.flywheel.proto.analytics.v1.PutAnalyticsSettingsRequest;
import dev.flywheel.proto.analytics.v1.RetentionCorrelationRequest;
import dev.flywheel.proto.analytics.v1.RetentionPeopleRequest;
import dev.flywheel.proto.analytics.v1.RetentionRequest;
import dev.flywheel.proto.analytics.v1.TimeToValueRequest;
import dev.flywheel.proto.analytics.v1.TrendsRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Product analytics of one environment, with an admin key of the project or a server key of the environment. Each
 * query takes a JSON body shaped like its flywheel.analytics.v1 request (camelCase fields, enums by short name,
 * e.g. {"aggregation": "unique_users"}); see docs/analytics.md.
 */
@Path("/api/v1/projects/{projectId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Analytics")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.ENVIRONMENT_READER)
public class AnalyticsResource {

    private static final String ANALYTICS = "/environments/{environment}/analytics/";

    private final AnalyticsClient analytics;
    private final ProjectAdminAccess access;
    private final AnswerCache answers;
    private final HttpServerRequest http;

    public AnalyticsResource(AnalyticsClient analytics, ProjectAdminAccess access, AnswerCache answers,
            HttpServerRequest http) {
        this.analytics = analytics;
        this.access = access;
        this.answers = answers;
        this.http = http;
    }

    /**
     * Reads the body into the request, names the environment, and runs the query with the caller's key (checked
     * before any cached answer is looked at); the answer says when it was computed (X-Computed-At, Age).
     */
    private <B extends Message.Builder, R extends Message> Uni<ObjectNode> query(UUID projectId, String environment,
            JsonNode body, B request, BiFunction<String, B, Uni<R>> call) {
        ProtoJson.read(body, request, "");
        request.setField(request.getDescriptorForType().findFieldByName("environment"), environment);
        String cacheControl = http.getHeader(HttpHeaders.CACHE_CONTROL);
        // what identifies the question is only worked out for callers that accept kept answers
        byte[] question = cacheControl == null || cacheControl.isBlank()
                ? new byte[0]
                : AnswerCache.question(request.getDescriptorForType().getName(), request.build().toByteArray());
        return access.readerKeyFor(projectId, environment, "Analytics")
                .chain(key -> answers.answer(projectId, environment, question, cacheControl,
                        () -> call.apply(key, request).map(ProtoJson::write)))
                .map(answer -> {
                    http.response().putHeader("X-Computed-At", answer.computedAt().toString())
                            .putHeader("Age", Long.toString(Math.max(0, Duration.between(answer.computedAt(),
                                    Instant.now()).toSeconds())));
                    return answer.body();
                });
    }

    @POST
    @Path(ANALYTICS + "trends")
    @Operation(summary = "A metric (total, unique users or a property's sum) per day/week/month, optionally broken down by a property")
    public Uni<ObjectNode> trends(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "TrendsRequest"))) JsonNode body) {
        return query(projectId, environment, body, TrendsRequest.newBuilder(),
                (key, request) -> analytics.trends(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "active-users")
    @Operation(summary = "DAU, WAU, MAU and DAU/MAU per day, and stickiness")
    public Uni<ObjectNode> activeUsers(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ActiveUsersRequest"))) JsonNode body) {
        return query(projectId, environment, body, ActiveUsersRequest.newBuilder(),
                (key, request) -> analytics.activeUsers(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "funnel")
    @Operation(summary = "A funnel: ordered, strict or unordered steps, a conversion window, exclusions and a breakdown")
    public Uni<ObjectNode> funnel(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "FunnelRequest"))) JsonNode body) {
        return query(projectId, environment, body, FunnelRequest.newBuilder(),
                (key, request) -> analytics.funnel(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "paths")
    @Operation(summary = "Paths: how people move between events, pages or screens after a start, before an end, or between both")
    public Uni<ObjectNode> paths(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "PathsRequest"))) JsonNode body) {
        return query(projectId, environment, body, PathsRequest.newBuilder(),
                (key, request) -> analytics.paths(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "path-people")
    @Operation(summary = "The people who made one move of a paths answer")
    public Uni<ObjectNode> pathPeople(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "PathPeopleRequest"))) JsonNode body) {
        return query(projectId, environment, body, PathPeopleRequest.newBuilder(),
                (key, request) -> analytics.pathPeople(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "funnel-people")
    @Operation(summary = "The people at one step of a funnel: reached, converted, dropped or in progress")
    public Uni<ObjectNode> funnelPeople(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "FunnelPeopleRequest"))) JsonNode body) {
        return query(projectId, environment, body, FunnelPeopleRequest.newBuilder(),
                (key, request) -> analytics.funnelPeople(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "retention-people")
    @Operation(summary = "The people in one cell of a retention table: a cohort's members who came back in a period")
    public Uni<ObjectNode> retentionPeople(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RetentionPeopleRequest"))) JsonNode body) {
        return query(projectId, environment, body, RetentionPeopleRequest.newBuilder(),
                (key, request) -> analytics.retentionPeople(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "funnel-correlation")
    @Operation(summary = "Which events and property values go with converting in a funnel: odds ratios, exact tests, Holm-adjusted")
    public Uni<ObjectNode> funnelCorrelation(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "FunnelCorrelationRequest"))) JsonNode body) {
        return query(projectId, environment, body, FunnelCorrelationRequest.newBuilder(),
                (key, request) -> analytics.funnelCorrelation(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "retention-correlation")
    @Operation(summary = "Which events and property values go with being retained in a period")
    public Uni<ObjectNode> retentionCorrelation(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RetentionCorrelationRequest"))) JsonNode body) {
        return query(projectId, environment, body, RetentionCorrelationRequest.newBuilder(),
                (key, request) -> analytics.retentionCorrelation(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "activation-discovery")
    @Operation(summary = "Which early actions go with new people staying, ranked by retention lift, with a ready experiment and survey")
    public Uni<ObjectNode> activationDiscovery(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ActivationDiscoveryRequest"))) JsonNode body) {
        return query(projectId, environment, body, ActivationDiscoveryRequest.newBuilder(),
                (key, request) -> analytics.activationDiscovery(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "retention")
    @Operation(summary = "A cohort x period retention matrix, first-time or recurring, \"on\" or \"on or after\"")
    public Uni<ObjectNode> retention(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RetentionRequest"))) JsonNode body) {
        return query(projectId, environment, body, RetentionRequest.newBuilder(),
                (key, request) -> analytics.retention(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "lifecycle")
    @Operation(summary = "New, returning, resurrecting and dormant people per period")
    public Uni<ObjectNode> lifecycle(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LifecycleRequest"))) JsonNode body) {
        return query(projectId, environment, body, LifecycleRequest.newBuilder(),
                (key, request) -> analytics.lifecycle(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "churn")
    @Operation(summary = "Churn between consecutive periods, with revenue expansion and contraction")
    public Uni<ObjectNode> churn(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ChurnRequest"))) JsonNode body) {
        return query(projectId, environment, body, ChurnRequest.newBuilder(),
                (key, request) -> analytics.churn(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "time-to-value")
    @Operation(summary = "Time from a person's first event to their first activation event")
    public Uni<ObjectNode> timeToValue(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "TimeToValueRequest"))) JsonNode body) {
        return query(projectId, environment, body, TimeToValueRequest.newBuilder(),
                (key, request) -> analytics.timeToValue(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "aarrr")
    @Operation(summary = "Acquisition, activation, retention, referral and revenue per period, as the project defines them")
    public Uni<ObjectNode> aarrr(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "AarrrRequest"))) JsonNode body) {
        return query(projectId, environment, body, AarrrRequest.newBuilder(),
                (key, request) -> analytics.aarrr(key, request.build()));
    }

    @POST
    @Path(ANALYTICS + "north-star")
    @Operation(summary = "The project's North Star metric and its input metrics per period")
    public Uni<ObjectNode> northStar(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "NorthStarRequest"))) JsonNode body) {
        return query(projectId, environment, body, NorthStarRequest.newBuilder(),
                (key, request) -> analytics.northStar(key, request.build()));
    }

    @Access(Access.Level.PROJECT_SETTINGS)
    @GET
    @Path("/analytics-settings")
    @Operation(summary = "The project's analytics settings: time zone, AARRR stages, North Star; its version is the ETag")
    public Uni<Response> settings(@PathParam("projectId") UUID projectId) {
        return access.keyFor(projectId, null, "Analytics settings").chain(analytics::settings)
                .map(settings -> Response.ok(ProtoJson.write(settings)).tag(Long.toString(settings.getVersion()))
                        .build());
    }

    @Access(Access.Level.PROJECT_SETTINGS)
    @PUT
    @Path("/analytics-settings")
    @Operation(summary = "Replace the project's analytics settings; a new time zone re-buckets the daily rollups. If-Match: \"<version>\" makes it conditional")
    public Uni<Response> putSettings(@PathParam("projectId") UUID projectId,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "AnalyticsSettings"))) JsonNode body) {
        long expected = ProjectAdminAccess.ifMatchVersion(ifMatch);
        AnalyticsSettings settings = ProtoJson.read(body, AnalyticsSettings.newBuilder(), "").clearVersion().build();
        return access.keyFor(projectId, null, "Analytics settings")
                .chain(key -> analytics.putSettings(key, PutAnalyticsSettingsRequest.newBuilder()
                        .setSettings(settings).setExpectedVersion(expected).build()))
                .map(stored -> Response.ok(ProtoJson.write(stored)).tag(Long.toString(stored.getVersion()))
                        .build());
    }
}
