package dev.flywheel.gateway.experiments.rest;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
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

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Struct;

import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.experiments.client.ExperimentsClient;
import dev.flywheel.gateway.json.JsonBodies;
import dev.flywheel.gateway.json.JsonProto;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.experiments.v1.AssignAllRequest;
import dev.flywheel.proto.experiments.v1.AssignRequest;
import dev.flywheel.proto.experiments.v1.Assignment;
import io.smallrye.mutiny.Uni;

/**
 * Experiment assignment for web frontends, with a client (or server) key of one environment: the same answers,
 * sticky buckets and exposures as the gRPC API. Body: {@code {"attributes": {...}, "url": "...",
 * "deferExposures": false}}; with deferred exposures each answer that is one carries an {@code exposureToken} to post
 * to {@code /api/v1/exposures} when the user sees the variation.
 */
@Path("/api/v1/assign")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "Experiments")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.ENVIRONMENT_KEY)
public class AssignResource {

    private static final int MAX_URL = 8192;

    private final ExperimentsClient experiments;
    private final CallerContext callerContext;
    private final JsonBodies bodies;

    public AssignResource(ExperimentsClient experiments, CallerContext callerContext, JsonBodies bodies) {
        this.experiments = experiments;
        this.callerContext = callerContext;
        this.bodies = bodies;
    }

    /** One answer; when not in the experiment, the variation is the control. */
    public record AssignmentView(String experimentKey, boolean inExperiment, boolean hashUsed, int variationIndex,
            String variationKey, JsonNode value, String hashAttribute, String hashValue, double bucket,
            boolean stickyBucketUsed, String reason,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) String exposureToken) {
    }

    public record AssignAllView(List<AssignmentView> assignments) {
    }

    record UserInput(Struct attributes, String url, boolean deferExposures) {
    }

    @POST
    @Operation(summary = "Assign the user to every running experiment of the key's environment")
    public Uni<AssignAllView> assignAll(
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "AssignmentInput"))) byte[] body) {
        UserInput input = read(bodies, body);
        return experiments.assignAll(key(), AssignAllRequest.newBuilder().setAttributes(input.attributes())
                .setUrl(input.url()).setDeferExposures(input.deferExposures()).build())
                .map(response -> new AssignAllView(response.getAssignmentsList().stream()
                        .map(AssignResource::view).toList()));
    }

    @POST
    @Path("/{experimentKey}")
    @Operation(summary = "Assign the user to one experiment")
    public Uni<AssignmentView> assign(@PathParam("experimentKey") String experimentKey,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "AssignmentInput"))) byte[] body) {
        UserInput input = read(bodies, body);
        return experiments.assign(key(), AssignRequest.newBuilder().setExperimentKey(experimentKey)
                .setAttributes(input.attributes()).setUrl(input.url()).setDeferExposures(input.deferExposures())
                .build())
                .map(response -> view(response.getAssignment()));
    }

    private String key() {
        return callerContext.environmentToken("users are assigned with a client or server key of one environment");
    }

    /** The user an assignment is for, from {"attributes": {...}, "url": ..., "deferExposures": ...}. */
    static UserInput read(JsonBodies bodies, byte[] body) {
        JsonNode request = bodies.tree(body);
        if (request == null) {
            return new UserInput(Struct.getDefaultInstance(), "", false);
        }
        if (!request.isObject()) {
            throw ApiException.invalid("body", "must be a JSON object: {\"attributes\": {...}, \"url\": \"...\"}");
        }
        JsonNode attributes = request.path("attributes");
        if (!attributes.isMissingNode() && !attributes.isNull() && !attributes.isObject()) {
            throw ApiException.invalid("attributes", "must be a JSON object");
        }
        JsonNode url = request.path("url");
        if (!url.isMissingNode() && !url.isNull() && (!url.isTextual() || url.asText().length() > MAX_URL)) {
            throw ApiException.invalid("url", "must be a string of at most " + MAX_URL + " characters");
        }
        JsonNode defer = request.path("deferExposures");
        if (!defer.isMissingNode() && !defer.isNull() && !defer.isBoolean()) {
            throw ApiException.invalid("deferExposures", "must be true or false");
        }
        return new UserInput(attributes.isObject() ? JsonProto.toStruct(attributes) : Struct.getDefaultInstance(),
                url.isTextual() ? url.asText() : "", defer.asBoolean(false));
    }

    static AssignmentView view(Assignment a) {
        return new AssignmentView(a.getExperimentKey(), a.getInExperiment(), a.getHashUsed(), a.getVariationIndex(),
                a.getVariationKey(), JsonProto.toJson(a.getValue()), a.getHashAttribute(), a.getHashValue(),
                a.getBucket(), a.getStickyBucketUsed(),
                a.getReason().name().replace("ASSIGNMENT_REASON_", "").toLowerCase(java.util.Locale.ROOT),
                a.getExposureToken());
    }
}
