package dev.flywheel.gateway.flags.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
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

import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.flags.client.FeatureFlagsClient;
import dev.flywheel.gateway.json.JsonBodies;
import dev.flywheel.gateway.json.JsonProto;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.flags.v1.EvaluateFlagsRequest;
import io.smallrye.mutiny.Uni;

/**
 * The OpenFeature Remote Evaluation Protocol (OFREP) for browsers and any OFREP provider: a client or server key
 * selects the project and environment. Errors use OFREP's bodies ({key, errorCode, errorDetails}), not problem+json,
 * because OFREP providers read those.
 */
@Path("/ofrep/v1/evaluate/flags")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "OFREP")
@SecurityRequirement(name = "apiKey")
public class OfrepResource {

    private final FeatureFlagsClient flags;
    private final CallerContext callerContext;
    private final JsonBodies bodies;

    public OfrepResource(FeatureFlagsClient flags, CallerContext callerContext, JsonBodies bodies) {
        this.flags = flags;
        this.callerContext = callerContext;
        this.bodies = bodies;
    }

    @POST
    @Path("/{key}")
    @Operation(summary = "Evaluate one flag (OFREP)")
    public Uni<Response> evaluate(@PathParam("key") String key,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "OfrepEvaluationRequest"))) byte[] body) {
        return withContext(key, body, context -> flags.evaluate(callerContext.token(), EvaluateFlagsRequest.newBuilder()
                .setKey(key).setContext(JsonProto.toStruct(context)).build()))
                .map(answer -> OfrepAnswers.single(answer.getFlags(0)))
                .onFailure().recoverWithItem(OfrepResource::unavailable);
    }

    @POST
    @Operation(summary = "Evaluate every flag of the key's environment (OFREP bulk); ETag and If-None-Match supported")
    public Uni<Response> evaluateAll(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "OfrepEvaluationRequest"))) byte[] body) {
        return withContext(null, body,
                context -> flags.evaluate(callerContext.token(), EvaluateFlagsRequest.newBuilder()
                        .setContext(JsonProto.toStruct(context)).build()))
                .map(answer -> OfrepAnswers.bulk(answer, ifNoneMatch))
                .onFailure().recoverWithItem(OfrepResource::unavailable);
    }

    /** Checks the caller and reads the evaluation context, answering OFREP's errors for either. */
    private <T> Uni<T> withContext(String key, byte[] body, java.util.function.Function<JsonNode, Uni<T>> evaluation) {
        if (!callerContext.caller().holdsEnvironmentKey()) {
            return Uni.createFrom().failure(new Refused(OfrepAnswers.error(403, key, "GENERAL",
                    "flags are evaluated with a client or server key of one environment")));
        }
        JsonNode context;
        try {
            context = OfrepAnswers.context(bodies.tree(body));
        } catch (ApiException malformed) {
            return Uni.createFrom().failure(new Refused(OfrepAnswers.error(400, key, "INVALID_CONTEXT",
                    "the request body is not valid JSON: " + malformed.getMessage())));
        } catch (OfrepAnswers.InvalidContext e) {
            return Uni.createFrom().failure(new Refused(OfrepAnswers.error(400, key, "INVALID_CONTEXT",
                    e.getMessage())));
        }
        return evaluation.apply(context);
    }

    /** An OFREP answer decided before any evaluation (forbidden key, bad context). */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Response response;

        Refused(Response response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    private static Response unavailable(Throwable failure) {
        return failure instanceof Refused refused ? refused.response : OfrepAnswers.failed(failure);
    }
}
