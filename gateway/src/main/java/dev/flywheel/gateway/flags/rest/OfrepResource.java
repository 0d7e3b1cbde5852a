package dev.flywheel.gateway.flags.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.gateway.auth.service.CallerContext;
import dev.flywheel.gateway.flags.client.FeatureFlagsClient;
import dev.flywheel.gateway.json.JsonBodies;
import dev.flywheel.gateway.json.JsonProto;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.flags.v1.EvaluateFlagsRequest;
import dev.flywheel.proto.flags.v1.EvaluateFlagsResponse;
import dev.flywheel.proto.flags.v1.FlagEvaluation;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
    private final ObjectMapper json;
    private final JsonBodies bodies;

    public OfrepResource(FeatureFlagsClient flags, CallerContext callerContext, ObjectMapper json,
            JsonBodies bodies) {
        this.flags = flags;
        this.callerContext = callerContext;
        this.json = json;
        this.bodies = bodies;
    }

    @POST
    @Path("/{key}")
    @Operation(summary = "Evaluate one flag (OFREP)")
    public Uni<Response> evaluate(@PathParam("key") String key,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "OfrepEvaluationRequest"))) byte[] body) {
        return withContext(key, body, context -> flags.evaluate(callerContext.token(), EvaluateFlagsRequest.newBuilder()
                .setKey(key).setContext(JsonProto.toStruct(context)).build()))
                .map(answer -> single(answer.getFlags(0)))
                .onFailure().recoverWithItem(OfrepResource::unavailable);
    }

    @POST
    @Operation(summary = "Evaluate every flag of the key's environment (OFREP bulk); ETag and If-None-Match supported")
    public Uni<Response> evaluateAll(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "OfrepEvaluationRequest"))) byte[] body) {
        return withContext(null, body,
                context -> flags.evaluate(callerContext.token(), EvaluateFlagsRequest.newBuilder()
                        .setContext(JsonProto.toStruct(context)).build()))
                .map(answer -> bulk(answer, ifNoneMatch))
                .onFailure().recoverWithItem(OfrepResource::unavailable);
    }

    /** Checks the caller and reads the evaluation context, answering OFREP's errors for either. */
    private <T> Uni<T> withContext(String key, byte[] body, java.util.function.Function<JsonNode, Uni<T>> evaluation) {
        Response refused = refuse(key);
        if (refused != null) {
            return Uni.createFrom().failure(new Refused(refused));
        }
        try {
            return evaluation.apply(context(body));
        } catch (InvalidContext e) {
            return Uni.createFrom().failure(new Refused(error(400, key, "INVALID_CONTEXT", e.getMessage())));
        }
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

    private Response refuse(String key) {
        if (!callerContext.caller().holdsEnvironmentKey()) {
            return error(403, key, "GENERAL", "flags are evaluated with a client or server key of one environment");
        }
        return null;
    }

    private static final class InvalidContext extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidContext(String message) {
            super(message);
        }
    }

    private JsonNode context(byte[] body) throws InvalidContext {
        JsonNode request;
        try {
            request = bodies.tree(body);
        } catch (ApiException malformed) {
            throw new InvalidContext("the request body is not valid JSON: " + malformed.getMessage());
        }
        if (request == null) {
            return json.createObjectNode();
        }
        if (!request.isObject()) {
            throw new InvalidContext("the request body must be a JSON object: {\"context\": {...}}");
        }
        JsonNode context = request.get("context");
        if (context == null || context.isNull()) {
            return json.createObjectNode();
        }
        if (!context.isObject()) {
            throw new InvalidContext("context must be a JSON object");
        }
        JsonNode targetingKey = context.get("targetingKey");
        if (targetingKey != null && !targetingKey.isNull() && !targetingKey.isTextual()) {
            throw new InvalidContext("targetingKey must be a string");
        }
        return context;
    }

    private Response single(FlagEvaluation flag) {
        if (!flag.getErrorCode().isEmpty()) {
            int status = flag.getErrorCode().equals("FLAG_NOT_FOUND") ? 404 : 400;
            return error(status, flag.getKey(), flag.getErrorCode(), flag.getErrorMessage());
        }
        return Response.ok(write(success(flag)), MediaType.APPLICATION_JSON).build();
    }

    private Response bulk(EvaluateFlagsResponse answer, String ifNoneMatch) {
        ObjectNode body = json.createObjectNode();
        ArrayNode flagsNode = body.putArray("flags");
        for (FlagEvaluation flag : answer.getFlagsList()) {
            if (flag.getErrorCode().isEmpty()) {
                flagsNode.add(success(flag));
            } else {
                flagsNode.add(json.createObjectNode().put("key", flag.getKey()).put("errorCode", flag.getErrorCode())
                        .put("errorDetails", flag.getErrorMessage()));
            }
        }
        body.set("metadata", JsonProto.toJson(answer.getMetadata()));
        String text = write(body);
        // the ETag hashes the answer itself, so a change of targeting outcome (not only of config) is seen
        String etag = "\"" + sha256(text) + "\"";
        if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).build();
        }
        return Response.ok(text, MediaType.APPLICATION_JSON).header(HttpHeaders.ETAG, etag).build();
    }

    private ObjectNode success(FlagEvaluation flag) {
        ObjectNode node = json.createObjectNode().put("key", flag.getKey()).put("reason", flag.getReason());
        if (flag.getHasValue()) {
            node.put("variant", flag.getVariant());
            node.set("value", JsonProto.toJson(flag.getValue()));
        }
        node.set("metadata", JsonProto.toJson(flag.getMetadata()));
        return node;
    }

    private Response error(int status, String key, String code, String details) {
        ObjectNode body = json.createObjectNode();
        if (key != null) {
            body.put("key", key);
        }
        body.put("errorCode", code).put("errorDetails", details);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(write(body)).build();
    }

    private static Response unavailable(Throwable failure) {
        if (failure instanceof Refused refused) {
            return refused.response;
        }
        Status status = failure instanceof StatusRuntimeException grpc
                ? grpc.getStatus()
                : Status.fromThrowable(failure);
        String details = status.getDescription() != null ? status.getDescription() : status.getCode().name();
        return switch (status.getCode()) {
            case UNAUTHENTICATED -> Response.status(401).type(MediaType.APPLICATION_JSON)
                    .entity("{\"errorDetails\":\"the API key is unknown, revoked or expired\"}").build();
            case PERMISSION_DENIED -> Response.status(403).type(MediaType.APPLICATION_JSON)
                    .entity("{\"errorDetails\":" + quote(details) + "}").build();
            case INVALID_ARGUMENT -> Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity("{\"errorCode\":\"INVALID_CONTEXT\",\"errorDetails\":" + quote(details) + "}").build();
            default -> Response.status(503).type(MediaType.APPLICATION_JSON).header("Retry-After", "2")
                    .entity("{\"errorDetails\":\"flag evaluation is temporarily unavailable\"}").build();
        };
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
