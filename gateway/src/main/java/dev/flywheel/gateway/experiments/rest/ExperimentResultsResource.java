package dev.flywheel.gateway.experiments.rest;

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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import dev.flywheel.gateway.access.ProjectAdminAccess;
import dev.flywheel.gateway.analytics.client.AnalyticsClient;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.json.AuditView;
import dev.flywheel.gateway.json.ProtoJson;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.analytics.v1.DeleteMetricRequest;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.GetExperimentHealthRequest;
import dev.flywheel.proto.analytics.v1.GetExperimentResultsRequest;
import dev.flywheel.proto.analytics.v1.GetMetricRequest;
import dev.flywheel.proto.analytics.v1.ListMetricAuditRequest;
import dev.flywheel.proto.analytics.v1.PutMetricRequest;
import io.smallrye.mutiny.Uni;

/**
 * Experiment analysis: the metrics experiments are judged on (admin key; the version is the ETag), and each
 * experiment's exposure health, with the sample-ratio guard (admin key or a server key of the environment).
 */
@Path("/api/v1/projects/{projectId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Experiment analysis")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.PROJECT_DEFINITIONS)
public class ExperimentResultsResource {

    private final AnalyticsClient analytics;
    private final ProjectAdminAccess access;

    public ExperimentResultsResource(AnalyticsClient analytics, ProjectAdminAccess access) {
        this.analytics = analytics;
        this.access = access;
    }

    @Access(Access.Level.ENVIRONMENT_READER)
    @GET
    @Path("/environments/{environment}/experiments/{key}/health")
    @Operation(summary = "Exposed units per variation against the experiment's split, with the sample-ratio check")
    public Uni<ObjectNode> health(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("key") String key) {
        return access.readerKeyFor(projectId, environment, "Experiment results")
                .chain(token -> analytics.experimentHealth(token, GetExperimentHealthRequest.newBuilder()
                        .setEnvironment(environment).setExperimentKey(key).build()))
                .map(ProtoJson::write);
    }

    @Access(Access.Level.ENVIRONMENT_READER)
    @GET
    @Path("/environments/{environment}/experiments/{key}/results")
    @Operation(summary = "Every metric's result per variation against the control, with the default options "
            + "(relative effects, alpha 0.05, fixed horizon, Holm correction, flat prior)")
    public Uni<ObjectNode> results(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("key") String key) {
        return results(projectId, environment, key, null);
    }

    @Access(Access.Level.ENVIRONMENT_READER)
    @POST
    @Path("/environments/{environment}/experiments/{key}/results")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every metric's (or the chosen metrics') result per variation, with options: metricKeys, "
            + "controlIndex, difference, alpha, sequential, sequentialTuning, correction, prior, targetEffect")
    public Uni<ObjectNode> results(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("key") String key,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "GetExperimentResultsRequest"))) JsonNode body) {
        GetExperimentResultsRequest.Builder request = body == null || body.isNull()
                ? GetExperimentResultsRequest.newBuilder()
                : ProtoJson.read(body, GetExperimentResultsRequest.newBuilder(), "");
        if (!request.getEnvironment().isEmpty() || !request.getExperimentKey().isEmpty()) {
            throw ApiException.invalid("environment", "the environment and experiment come from the path");
        }
        GetExperimentResultsRequest scoped = request.setEnvironment(environment).setExperimentKey(key).build();
        return access.readerKeyFor(projectId, environment, "Experiment results")
                .chain(token -> analytics.experimentResults(token, scoped))
                .map(ProtoJson::write);
    }

    @GET
    @Path("/experiment-metrics")
    @Operation(summary = "The project's experiment metrics")
    public Uni<ObjectNode> list(@PathParam("projectId") UUID projectId) {
        return access.keyFor(projectId, null, "Experiment metrics").chain(analytics::listMetrics)
                .map(ProtoJson::write);
    }

    @GET
    @Path("/experiment-metrics/{key}")
    @Operation(summary = "One experiment metric; its version is the ETag")
    public Uni<Response> get(@PathParam("projectId") UUID projectId, @PathParam("key") String key) {
        return access.keyFor(projectId, null, "Experiment metrics")
                .chain(token -> analytics.getMetric(token, GetMetricRequest.newBuilder().setKey(key).build()))
                .map(ExperimentResultsResource::tagged);
    }

    @PUT
    @Path("/experiment-metrics/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace an experiment metric; If-Match: \"<version>\" makes it conditional, If-None-Match: * create-only")
    public Uni<Response> put(@PathParam("projectId") UUID projectId, @PathParam("key") String key,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ExperimentMetric"))) JsonNode body) {
        long expected = ProjectAdminAccess.expectedVersion(ifMatch, ifNoneMatch);
        ExperimentMetric metric = ProtoJson.read(body, ExperimentMetric.newBuilder(), "").clearVersion().build();
        if (!metric.getKey().isEmpty() && !metric.getKey().equals(key)) {
            throw ApiException.invalid("key", "differs from the key in the path");
        }
        ExperimentMetric keyed = metric.toBuilder().setKey(key).build();
        return access.keyFor(projectId, null, "Experiment metrics")
                .chain(token -> analytics.putMetric(token, PutMetricRequest.newBuilder().setMetric(keyed)
                        .setExpectedVersion(expected).build()))
                .map(ExperimentResultsResource::tagged);
    }

    @DELETE
    @Path("/experiment-metrics/{key}")
    @Operation(summary = "Delete an experiment metric; If-Match makes it conditional")
    public Uni<Response> delete(@PathParam("projectId") UUID projectId, @PathParam("key") String key,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        long expected = ProjectAdminAccess.ifMatchVersion(ifMatch);
        return access.keyFor(projectId, null, "Experiment metrics")
                .chain(token -> analytics.deleteMetric(token, DeleteMetricRequest.newBuilder().setKey(key)
                        .setExpectedVersion(expected).build()))
                .map(deleted -> Response.noContent().build());
    }

    @GET
    @Path("/experiment-metric-audit")
    @Operation(summary = "The project's experiment metric changes (who, when, before and after), newest first; key= narrows to one metric, before=<id> pages")
    public Uni<List<AuditView>> audit(@PathParam("projectId") UUID projectId, @QueryParam("key") String key,
            @QueryParam("limit") Integer limit, @QueryParam("before") Long before) {
        return access.keyFor(projectId, null, "Experiment metrics")
                .chain(token -> analytics.metricAudit(token, ListMetricAuditRequest.newBuilder()
                        .setKey(key == null ? "" : key).setPageSize(limit == null ? 0 : limit)
                        .setBeforeId(before == null ? 0 : before).build()))
                .map(page -> page.getEntriesList().stream()
                        .map(entry -> AuditView.of(entry, ExperimentResultsResource::metric)).toList());
    }

    /** A metric as the audit recorded it (the proto3 JSON mapping), shown as the metric endpoints show it. */
    private static JsonNode metric(String recorded) {
        ExperimentMetric.Builder metric = ExperimentMetric.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(recorded, metric);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the metrics-aggregator recorded an unreadable metric", e);
        }
        return ProtoJson.write(metric.build());
    }

    private static Response tagged(ExperimentMetric metric) {
        return Response.ok(ProtoJson.write(metric)).tag(Long.toString(metric.getVersion())).build();
    }
}
