package dev.flywheel.gateway.experiments.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.experiments.client.ExperimentsClient;
import dev.flywheel.gateway.json.JsonBodies;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.experiments.v1.RecordExposuresRequest;
import io.smallrye.mutiny.Uni;

/**
 * Exposures a page records when it shows the user a variation it was assigned with {@code deferExposures}: the
 * tokens are signed by experiment-assignment, so a page can hold them but not make them up.
 */
@Path("/api/v1/exposures")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "Experiments")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.ENVIRONMENT_KEY)
public class ExposuresResource {

    private final ExperimentsClient experiments;
    private final CallerContext callerContext;
    private final JsonBodies bodies;

    public ExposuresResource(ExperimentsClient experiments, CallerContext callerContext, JsonBodies bodies) {
        this.experiments = experiments;
        this.callerContext = callerContext;
        this.bodies = bodies;
    }

    public record ExposuresView(int accepted) {
    }

    @POST
    @Operation(summary = "Record the exposures of variations the user was shown")
    public Uni<ExposuresView> record(
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ExposuresInput"))) byte[] body) {
        JsonNode request = bodies.tree(body);
        JsonNode tokens = request == null ? null : request.path("exposureTokens");
        if (tokens == null || !tokens.isArray()) {
            throw ApiException.invalid("exposureTokens", "must be an array of exposure tokens");
        }
        RecordExposuresRequest.Builder recorded = RecordExposuresRequest.newBuilder();
        for (JsonNode token : tokens) {
            if (!token.isTextual()) {
                throw ApiException.invalid("exposureTokens", "must hold strings (assignments' exposureToken)");
            }
            recorded.addExposureTokens(token.asText());
        }
        String key = callerContext.environmentToken("exposures are recorded with a client or server key of one "
                + "environment");
        return experiments.recordExposures(key, recorded.build())
                .map(response -> new ExposuresView(response.getAccepted()));
    }
}
