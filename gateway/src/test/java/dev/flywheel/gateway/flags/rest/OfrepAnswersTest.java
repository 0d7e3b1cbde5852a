package dev.flywheel.gateway.flags.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Value;

import dev.flywheel.proto.flags.v1.EvaluateFlagsResponse;
import dev.flywheel.proto.flags.v1.FlagEvaluation;
import io.grpc.Status;

/** OFREP's bodies and statuses, as OpenFeature's OFREP providers read them. */
class OfrepAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode tree(String text) throws Exception {
        return text == null ? null : JSON.readTree(text);
    }

    static JsonNode body(Response response) throws Exception {
        return JSON.readTree((String) response.getEntity());
    }

    static FlagEvaluation on(String key) {
        return FlagEvaluation.newBuilder().setKey(key).setHasValue(true).setVariant("on")
                .setValue(Value.newBuilder().setBoolValue(true)).setReason("TARGETING_MATCH").build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null                                        | {}",
            "{}                                          | {}",
            "{\"context\": null}                         | {}",
            "{\"context\": {\"targetingKey\": \"u-1\"}} | {\"targetingKey\":\"u-1\"}",
            "{\"context\": {\"plan\": \"pro\", \"n\": 3}} | {\"plan\":\"pro\",\"n\":3}"})
    void readsTheEvaluationContext(String request, String context) throws Exception {
        assertEquals(tree(context), OfrepAnswers.context(tree(request)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[]                                     | the request body must be a JSON object",
            "\"text\"                               | the request body must be a JSON object",
            "{\"context\": []}                      | context must be a JSON object",
            "{\"context\": {\"targetingKey\": 7}}   | targetingKey must be a string"})
    void refusesContextsOfrepCannotCarry(String request, String message) {
        var refused = assertThrows(OfrepAnswers.InvalidContext.class, () -> OfrepAnswers.context(tree(request)));
        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
    }

    static Stream<Arguments> errorCodes() {
        return Stream.of(Arguments.of("FLAG_NOT_FOUND", 404), Arguments.of("TYPE_MISMATCH", 400),
                Arguments.of("PARSE_ERROR", 400), Arguments.of("TARGETING_KEY_MISSING", 400),
                Arguments.of("INVALID_CONTEXT", 400), Arguments.of("GENERAL", 400));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("errorCodes")
    void answersEachErrorCodeWithItsStatus(String code, int status) throws Exception {
        Response response = OfrepAnswers.single(FlagEvaluation.newBuilder().setKey("beta").setErrorCode(code)
                .setErrorMessage("why").build());
        assertEquals(status, response.getStatus());
        JsonNode body = body(response);
        assertEquals("beta", body.get("key").asText());
        assertEquals(code, body.get("errorCode").asText());
        assertEquals("why", body.get("errorDetails").asText());
    }

    @Test
    void answersAValueWithItsVariantReasonAndMetadata() throws Exception {
        Response response = OfrepAnswers.single(on("beta"));
        assertEquals(200, response.getStatus());
        JsonNode body = body(response);
        assertEquals(true, body.get("value").asBoolean());
        assertEquals("on", body.get("variant").asText());
        assertEquals("TARGETING_MATCH", body.get("reason").asText());
        assertTrue(body.get("metadata").isObject());
        // the code default: no value and no variant in the answer
        JsonNode fallback = body(OfrepAnswers.single(FlagEvaluation.newBuilder().setKey("off").setReason("DISABLED")
                .build()));
        assertTrue(fallback.get("value") == null && fallback.get("variant") == null, fallback::toString);
    }

    @Test
    void theBulkAnswerIsTaggedByWhatItSays() throws Exception {
        EvaluateFlagsResponse answer = EvaluateFlagsResponse.newBuilder().addFlags(on("beta"))
                .addFlags(FlagEvaluation.newBuilder().setKey("broken").setErrorCode("PARSE_ERROR")
                        .setErrorMessage("bad rule"))
                .build();
        Response first = OfrepAnswers.bulk(answer, null);
        assertEquals(200, first.getStatus());
        String etag = first.getHeaderString(HttpHeaders.ETAG);
        assertNotNull(etag);
        JsonNode flags = body(first).get("flags");
        assertEquals("beta", flags.get(0).get("key").asText());
        assertEquals("PARSE_ERROR", flags.get(1).get("errorCode").asText());
        assertEquals(etag, OfrepAnswers.bulk(answer, null).getHeaderString(HttpHeaders.ETAG), "stable");
        for (String ifNoneMatch : new String[]{etag, "W/" + etag, "\"other\", " + etag, "*"}) {
            Response cached = OfrepAnswers.bulk(answer, ifNoneMatch);
            assertEquals(304, cached.getStatus(), ifNoneMatch);
            assertEquals(etag, cached.getHeaderString(HttpHeaders.ETAG));
        }
        assertEquals(200, OfrepAnswers.bulk(answer, "\"other\"").getStatus());
        // another outcome of the same configuration is another answer
        EvaluateFlagsResponse changed = answer.toBuilder().setFlags(0, on("beta").toBuilder().setVariant("off"))
                .build();
        assertNotEquals(etag, OfrepAnswers.bulk(changed, null).getHeaderString(HttpHeaders.ETAG));
    }

    @Test
    void failedCallsBecomeOfrepStatuses() throws Exception {
        assertEquals(401, OfrepAnswers.failed(Status.UNAUTHENTICATED.asRuntimeException()).getStatus());
        Response forbidden = OfrepAnswers.failed(Status.PERMISSION_DENIED.withDescription("a \"client\" key")
                .asRuntimeException());
        assertEquals(403, forbidden.getStatus());
        assertEquals("a \"client\" key", body(forbidden).get("errorDetails").asText());
        Response invalid = OfrepAnswers.failed(Status.INVALID_ARGUMENT.withDescription("context too deep")
                .asRuntimeException());
        assertEquals(400, invalid.getStatus());
        assertEquals("INVALID_CONTEXT", body(invalid).get("errorCode").asText());
        for (Throwable outage : new Throwable[]{Status.UNAVAILABLE.asRuntimeException(),
                Status.DEADLINE_EXCEEDED.asRuntimeException(), new IllegalStateException("boom")}) {
            Response unavailable = OfrepAnswers.failed(outage);
            assertEquals(503, unavailable.getStatus(), outage.toString());
            assertEquals("2", unavailable.getHeaderString("Retry-After"));
        }
    }
}
