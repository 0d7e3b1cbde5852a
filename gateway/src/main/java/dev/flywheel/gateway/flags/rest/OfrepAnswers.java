package dev.flywheel.gateway.flags.rest;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.gateway.json.JsonProto;
import dev.flywheel.proto.flags.v1.EvaluateFlagsResponse;
import dev.flywheel.proto.flags.v1.FlagEvaluation;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The OpenFeature Remote Evaluation Protocol's side of an evaluation, as plain functions: the evaluation context a
 * request carries, and the answers OFREP providers read ({key, value, variant, reason, metadata}, or {key,
 * errorCode, errorDetails} with the status OFREP gives each error), including the bulk answer's ETag.
 */
final class OfrepAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OfrepAnswers() {
    }

    /** A request whose evaluation context OFREP refuses (400 INVALID_CONTEXT). */
    static final class InvalidContext extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidContext(String message) {
            super(message);
        }
    }

    /** The evaluation context of a request body ({"context": {...}}); an absent body or context is empty. */
    static JsonNode context(JsonNode request) throws InvalidContext {
        if (request == null) {
            return JSON.createObjectNode();
        }
        if (!request.isObject()) {
            throw new InvalidContext("the request body must be a JSON object: {\"context\": {...}}");
        }
        JsonNode context = request.get("context");
        if (context == null || context.isNull()) {
            return JSON.createObjectNode();
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

    /** One flag's answer: 200 with the value, 404 for FLAG_NOT_FOUND, 400 for every other error code. */
    static Response single(FlagEvaluation flag) {
        if (!flag.getErrorCode().isEmpty()) {
            int status = flag.getErrorCode().equals("FLAG_NOT_FOUND") ? 404 : 400;
            return error(status, flag.getKey(), flag.getErrorCode(), flag.getErrorMessage());
        }
        return Response.ok(write(success(flag)), MediaType.APPLICATION_JSON).build();
    }

    /**
     * Every flag's answer, with an ETag of the answer itself (so a change of targeting outcome, not only of
     * configuration, is seen); 304 when {@code ifNoneMatch} names it.
     */
    static Response bulk(EvaluateFlagsResponse answer, String ifNoneMatch) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode flags = body.putArray("flags");
        for (FlagEvaluation flag : answer.getFlagsList()) {
            if (flag.getErrorCode().isEmpty()) {
                flags.add(success(flag));
            } else {
                flags.add(JSON.createObjectNode().put("key", flag.getKey()).put("errorCode", flag.getErrorCode())
                        .put("errorDetails", flag.getErrorMessage()));
            }
        }
        body.set("metadata", JsonProto.toJson(answer.getMetadata()));
        String text = write(body);
        String etag = "\"" + fingerprint(text) + "\"";
        if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).build();
        }
        return Response.ok(text, MediaType.APPLICATION_JSON).header(HttpHeaders.ETAG, etag).build();
    }

    /** An OFREP error body; {@code key} is left out when the request named no flag. */
    static Response error(int status, String key, String code, String details) {
        ObjectNode body = JSON.createObjectNode();
        if (key != null) {
            body.put("key", key);
        }
        body.put("errorCode", code).put("errorDetails", details);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(write(body)).build();
    }

    /** The answer to a failed evaluation call: the key refused (401, 403), a bad context (400), else 503. */
    static Response failed(Throwable failure) {
        Status status = failure instanceof StatusRuntimeException grpc
                ? grpc.getStatus()
                : Status.fromThrowable(failure);
        String details = status.getDescription() != null ? status.getDescription() : status.getCode().name();
        return switch (status.getCode()) {
            case UNAUTHENTICATED -> Response.status(401).type(MediaType.APPLICATION_JSON)
                    .entity("{\"errorDetails\":\"the API key is unknown, revoked or expired\"}").build();
            case PERMISSION_DENIED -> Response.status(403).type(MediaType.APPLICATION_JSON)
                    .entity(write(JSON.createObjectNode().put("errorDetails", details))).build();
            case INVALID_ARGUMENT -> Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity(write(JSON.createObjectNode().put("errorCode", "INVALID_CONTEXT")
                            .put("errorDetails", details)))
                    .build();
            default -> Response.status(503).type(MediaType.APPLICATION_JSON).header("Retry-After", "2")
                    .entity("{\"errorDetails\":\"flag evaluation is temporarily unavailable\"}").build();
        };
    }

    private static ObjectNode success(FlagEvaluation flag) {
        ObjectNode node = JSON.createObjectNode().put("key", flag.getKey()).put("reason", flag.getReason());
        if (flag.getHasValue()) {
            node.put("variant", flag.getVariant());
            node.set("value", JsonProto.toJson(flag.getValue()));
        }
        node.set("metadata", JsonProto.toJson(flag.getMetadata()));
        return node;
    }

    /** Whether an If-None-Match header names the ETag (strong or weak), or is "*". */
    static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The ETag of an answer: 64 bits from two checksums the JVM computes with CPU instructions. An ETag only has to
     * tell one client's successive answers apart; SHA-256 cost a tenth of the gateway's time on this path.
     */
    private static String fingerprint(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        CRC32C first = new CRC32C();
        first.update(bytes);
        CRC32 second = new CRC32();
        second.update(bytes);
        return HexFormat.of().toHexDigits((first.getValue() << 32) | second.getValue());
    }
}
