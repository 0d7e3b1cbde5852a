package dev.flywheel.gateway.feedback.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.feedback.client.FeedbackClient;
import dev.flywheel.gateway.json.JsonBodies;
import dev.flywheel.gateway.json.ProtoJson;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.feedback.v1.DismissSurveyRequest;
import dev.flywheel.proto.feedback.v1.NextSurveyRequest;
import dev.flywheel.proto.feedback.v1.SubmitAnswersRequest;
import dev.flywheel.proto.feedback.v1.SubmitFeedbackRequest;
import io.smallrye.mutiny.Uni;

/**
 * Surveys and the feedback widget for web frontends, with a client (or server) key of one environment: which survey
 * to show now, answers, dismissals and widget submissions. Bodies are the gRPC messages in JSON (camelCase).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "Feedback")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.ENVIRONMENT_KEY)
public class SurveyServingResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FeedbackClient feedback;
    private final CallerContext callerContext;
    private final JsonBodies bodies;

    public SurveyServingResource(FeedbackClient feedback, CallerContext callerContext, JsonBodies bodies) {
        this.feedback = feedback;
        this.callerContext = callerContext;
        this.bodies = bodies;
    }

    @POST
    @Path("/surveys/next")
    @Operation(summary = "The survey this person should see now, if any: {person: {userId, anonymousId}, url, device, event, properties, flags, experiments}")
    public Uni<ObjectNode> next(
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "NextSurveyRequest"))) byte[] body) {
        NextSurveyRequest request = ProtoJson.read(parse(body), NextSurveyRequest.newBuilder(), "").build();
        return feedback.next(key(), request).map(shown -> {
            ObjectNode out = JSON.createObjectNode();
            out.put("show", shown.getShow());
            shown.getTriggerEventsList().forEach(out.putArray("triggerEvents")::add);
            if (shown.getShow()) {
                out.put("surveyKey", shown.getSurveyKey());
                out.put("surveyVersion", shown.getSurveyVersion());
                out.put("submissionId", shown.getSubmissionId());
                try {
                    out.set("survey", JSON.readTree(shown.getSurveyJson()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("the feedback service sent a survey that is not JSON", e);
                }
            }
            return out;
        });
    }

    @POST
    @Path("/surveys/{key}/answers")
    @Operation(summary = "Answers to a shown survey: {person, submissionId, answers: [{questionId, value, other}], completed}")
    public Uni<ObjectNode> answers(@PathParam("key") String key,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "SubmitAnswersRequest"))) byte[] body) {
        SubmitAnswersRequest.Builder request = ProtoJson.read(parse(body), SubmitAnswersRequest.newBuilder(), "");
        checkKey(request.getSurveyKey(), key);
        return feedback.answer(key(), request.setSurveyKey(key).build()).map(ProtoJson::write);
    }

    @POST
    @Path("/surveys/{key}/dismiss")
    @Operation(summary = "The person closed the survey: {person, submissionId}")
    public Uni<Response> dismiss(@PathParam("key") String key,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "DismissSurveyRequest"))) byte[] body) {
        DismissSurveyRequest.Builder request = ProtoJson.read(parse(body), DismissSurveyRequest.newBuilder(), "");
        checkKey(request.getSurveyKey(), key);
        return feedback.dismiss(key(), request.setSurveyKey(key).build()).map(done -> Response.noContent().build());
    }

    @POST
    @Path("/feedback")
    @Operation(summary = "A feedback widget submission: {person, rating (1-5), comment, email, pageUrl, selector, screenshotPng (base64)}")
    public Uni<Response> submit(
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "SubmitFeedbackRequest"))) byte[] body) {
        SubmitFeedbackRequest request = ProtoJson.read(parse(body), SubmitFeedbackRequest.newBuilder(), "").build();
        return feedback.feedback(key(), request)
                .map(created -> Response.status(201).entity(ProtoJson.write(created)).build());
    }

    private static void checkKey(String inBody, String inPath) {
        if (!inBody.isEmpty() && !inBody.equals(inPath)) {
            throw ApiException.invalid("surveyKey", "differs from the survey in the path");
        }
    }

    private JsonNode parse(byte[] body) {
        JsonNode json = bodies.tree(body);
        if (json == null) {
            throw ApiException.invalid("body", "a JSON object is required");
        }
        return json;
    }

    private String key() {
        return callerContext.environmentToken("surveys are answered with a client or server key of one environment");
    }
}
