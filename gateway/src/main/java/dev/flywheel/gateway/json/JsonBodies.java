package dev.flywheel.gateway.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;

/**
 * Reads request bodies that endpoints take as bytes, after they have checked the caller: as a JSON tree, or as a
 * typed request that is then validated. Parsing from the bytes makes invalid UTF-8 an error like any other; the
 * mapper's rules are {@link StrictJsonMapper}'s. Failures are the same problems RESTEasy's own binding gives.
 */
@ApplicationScoped
public class JsonBodies {

    private final ObjectMapper json;
    private final Validator validator;

    public JsonBodies(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** The body as a JSON tree; null when it is empty. */
    public JsonNode tree(byte[] body) {
        if (body == null || body.length == 0 || isBlank(body)) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.malformed(e);
        } catch (IOException e) {
            throw new ApiException(ApiError.MALFORMED_REQUEST, "the body could not be read: " + e.getMessage());
        }
    }

    /**
     * The body's text, once it is known to be one well-formed JSON document (by the same rules): for bodies a service
     * reads itself (flag, experiment and survey definitions), so every edge refuses the same inputs.
     */
    public String text(byte[] body) {
        tree(body);
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    /** The body as {@code type}, with its bean-validation constraints checked (400 naming every field). */
    public <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0 || isBlank(body)) {
            throw new ApiException(ApiError.VALIDATION_FAILED, "a JSON body is required");
        }
        T value;
        try {
            value = json.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw ApiException.malformed(e);
        } catch (IOException e) {
            throw new ApiException(ApiError.MALFORMED_REQUEST, "the body could not be read: " + e.getMessage());
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return value;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
