package dev.flywheel.gateway.feedback.rest;

import java.util.List;
import java.util.Locale;
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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.gateway.access.ProjectAdminAccess;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.feedback.client.FeedbackClient;
import dev.flywheel.gateway.json.AuditView;
import dev.flywheel.gateway.json.JsonBodies;
import dev.flywheel.gateway.json.ProtoJson;
import dev.flywheel.gateway.json.QueryParams;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.feedback.v1.BreakdownKind;
import dev.flywheel.proto.feedback.v1.DeleteSurveyRequest;
import dev.flywheel.proto.feedback.v1.GetFeedbackScreenshotRequest;
import dev.flywheel.proto.feedback.v1.GetSurveyRequest;
import dev.flywheel.proto.feedback.v1.GetSurveyResultsRequest;
import dev.flywheel.proto.feedback.v1.ListFeedbackRequest;
import dev.flywheel.proto.feedback.v1.ListPersonAnswersRequest;
import dev.flywheel.proto.feedback.v1.ListSurveyAuditRequest;
import dev.flywheel.proto.feedback.v1.ListSurveysRequest;
import dev.flywheel.proto.feedback.v1.Period;
import dev.flywheel.proto.feedback.v1.PutSurveyRequest;
import dev.flywheel.proto.feedback.v1.SetSurveyStatusRequest;
import dev.flywheel.proto.feedback.v1.Survey;
import dev.flywheel.proto.feedback.v1.SurveyStatus;
import io.smallrye.mutiny.Uni;

/**
 * Surveys of an environment (admin key; the version is the ETag), their results and the feedback widget's
 * submissions (admin key, or a server key of the environment).
 */
@Path("/api/v1/projects/{projectId}/environments/{environment}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Feedback")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.PROJECT_DEFINITIONS)
public class SurveyResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonBodies bodies;
    private final FeedbackClient feedback;
    private final ProjectAdminAccess access;

    public SurveyResource(FeedbackClient feedback, ProjectAdminAccess access, JsonBodies bodies) {
        this.bodies = bodies;
        this.feedback = feedback;
        this.access = access;
    }

    @GET
    @Path("/surveys")
    @Operation(summary = "The environment's surveys")
    public Uni<ObjectNode> list(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment) {
        return access.keyFor(projectId, environment, "Surveys")
                .chain(token -> feedback.list(token, ListSurveysRequest.newBuilder().setEnvironment(environment)
                        .build()))
                .map(list -> {
                    ObjectNode out = JSON.createObjectNode();
                    var surveys = out.putArray("surveys");
                    list.getSurveysList().forEach(s -> surveys.add(view(s)));
                    return out;
                });
    }

    @GET
    @Path("/surveys/{key}")
    @Operation(summary = "One survey; its version is the ETag")
    public Uni<Response> get(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key) {
        return access.keyFor(projectId, environment, "Surveys")
                .chain(token -> feedback.get(token, GetSurveyRequest.newBuilder().setEnvironment(environment)
                        .setKey(key).build()))
                .map(survey -> tagged(survey, 200));
    }

    @PUT
    @Path("/surveys/{key}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Create (as a draft) or replace a survey's definition (docs/feedback.md); If-Match: \"<version>\" makes it conditional, If-None-Match: * create-only")
    public Uni<Response> put(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "SurveyDefinition"))) byte[] body) {
        long expected = ProjectAdminAccess.expectedVersion(ifMatch, ifNoneMatch);
        return access.keyFor(projectId, environment, "Surveys")
                .chain(token -> feedback.put(token, PutSurveyRequest.newBuilder().setEnvironment(environment)
                        .setKey(key).setDefinitionJson(bodies.text(body))
                        .setExpectedVersion(expected).build()))
                .map(survey -> tagged(survey, survey.getVersion() == 1 ? 201 : 200));
    }

    /** The new status: running or stopped. */
    @Schema(name = "SurveyStatusChange")
    public record StatusChange(String status) {
    }

    @POST
    @Path("/surveys/{key}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start (\"running\") or stop (\"stopped\") a survey; If-Match makes it conditional")
    public Uni<Response> status(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, StatusChange change) {
        SurveyStatus status = switch (change == null || change.status() == null ? "" : change.status()) {
            case "running" -> SurveyStatus.SURVEY_STATUS_RUNNING;
            case "stopped" -> SurveyStatus.SURVEY_STATUS_STOPPED;
            default -> throw ApiException.invalid("status", "must be \"running\" or \"stopped\"");
        };
        long expected = ProjectAdminAccess.ifMatchVersion(ifMatch);
        return access.keyFor(projectId, environment, "Surveys")
                .chain(token -> feedback.status(token, SetSurveyStatusRequest.newBuilder()
                        .setEnvironment(environment).setKey(key).setStatus(status).setExpectedVersion(expected)
                        .build()))
                .map(survey -> tagged(survey, 200));
    }

    @DELETE
    @Path("/surveys/{key}")
    @Operation(summary = "Delete a survey (its answers stay); If-Match makes it conditional")
    public Uni<Response> delete(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("key") String key, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        long expected = ProjectAdminAccess.ifMatchVersion(ifMatch);
        return access.keyFor(projectId, environment, "Surveys")
                .chain(token -> feedback.delete(token, DeleteSurveyRequest.newBuilder().setEnvironment(environment)
                        .setKey(key).setExpectedVersion(expected).build()))
                .map(deleted -> Response.noContent().build());
    }

    @GET
    @Path("/survey-audit")
    @Operation(summary = "The environment's survey changes (who, when, before and after), newest first; key= narrows to one survey, before=<id> pages")
    public Uni<List<AuditView>> audit(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @QueryParam("key") String key,
            @QueryParam("limit") Integer limit, @QueryParam("before") Long before) {
        return access.keyFor(projectId, environment, "Surveys")
                .chain(token -> feedback.audit(token, ListSurveyAuditRequest.newBuilder().setEnvironment(environment)
                        .setKey(key == null ? "" : key).setPageSize(limit == null ? 0 : limit)
                        .setBeforeId(before == null ? 0 : before).build()))
                .map(page -> page.getEntriesList().stream().map(entry -> AuditView.of(entry, SurveyResource::tree))
                        .toList());
    }

    @Access(Access.Level.ENVIRONMENT_READER)
    @GET
    @Path("/surveys/{key}/results")
    @Operation(summary = "A survey's results: scores with intervals, distributions, over time, a breakdown (breakdown=property|flag|experiment, by=<key>) with tests between groups, comments and themes")
    public Uni<ObjectNode> results(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("key") String key,
            @QueryParam("breakdown") String breakdown, @QueryParam("by") String by, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("period") String period, @QueryParam("alpha") String alpha) {
        GetSurveyResultsRequest.Builder request = GetSurveyResultsRequest.newBuilder().setEnvironment(environment)
                .setSurveyKey(key);
        if (breakdown != null) {
            request.setBreakdown(switch (breakdown) {
                case "property" -> BreakdownKind.BREAKDOWN_KIND_PERSON_PROPERTY;
                case "flag" -> BreakdownKind.BREAKDOWN_KIND_FLAG;
                case "experiment" -> BreakdownKind.BREAKDOWN_KIND_EXPERIMENT;
                default -> throw ApiException.invalid("breakdown", "must be property, flag or experiment");
            });
            if (by == null || by.isEmpty()) {
                throw ApiException.invalid("by", "names the property, flag or experiment to break down by");
            }
            request.setBreakdownKey(by);
        }
        if (from != null) {
            request.setFrom(ProtoJson.timestamp(from, "from"));
        }
        if (to != null) {
            request.setTo(ProtoJson.timestamp(to, "to"));
        }
        if (period != null) {
            request.setPeriod(switch (period.toLowerCase(Locale.ROOT)) {
                case "day" -> Period.PERIOD_DAY;
                case "week" -> Period.PERIOD_WEEK;
                default -> throw ApiException.invalid("period", "must be day or week");
            });
        }
        if (alpha != null) {
            try {
                request.setAlpha(Double.parseDouble(alpha));
            } catch (NumberFormatException e) {
                throw ApiException.invalid("alpha", "must be a number");
            }
        }
        return access.readerKeyFor(projectId, environment, "Survey results")
                .chain(token -> feedback.results(token, request.build())).map(ProtoJson::write);
    }

    @Access(Access.Level.ENVIRONMENT_READER)
    @GET
    @Path("/survey-answers")
    @Operation(summary = "What one person was asked and answered, latest first: person= once per id of theirs (1 to 50), limit up to 100 submissions")
    public Uni<ObjectNode> personAnswers(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @QueryParam("person") List<String> person,
            @QueryParam("limit") String limit) {
        ListPersonAnswersRequest request = ListPersonAnswersRequest.newBuilder().setEnvironment(environment)
                .addAllPersonKeys(person == null ? List.of() : person)
                .setLimit(limit == null ? 0 : QueryParams.intCount(limit, "limit")).build();
        return access.readerKeyFor(projectId, environment, "Survey answers")
                .chain(token -> feedback.personAnswers(token, request)).map(ProtoJson::write);
    }

    @Access(Access.Level.ENVIRONMENT_READER)
    @GET
    @Path("/feedback")
    @Operation(summary = "The feedback widget's submissions, latest first (limit up to 200; before=<time> for the next page)")
    public Uni<ObjectNode> wall(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @QueryParam("limit") Integer limit, @QueryParam("before") String before) {
        ListFeedbackRequest.Builder request = ListFeedbackRequest.newBuilder().setEnvironment(environment)
                .setLimit(limit == null ? 0 : limit);
        if (before != null) {
            request.setBefore(ProtoJson.timestamp(before, "before"));
        }
        return access.readerKeyFor(projectId, environment, "Feedback")
                .chain(token -> feedback.wall(token, request.build())).map(ProtoJson::write);
    }

    @Access(Access.Level.ENVIRONMENT_READER)
    @GET
    @Path("/feedback/{id}/screenshot")
    @Produces("image/png")
    @Operation(summary = "A feedback submission's screenshot")
    public Uni<Response> screenshot(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("id") String id) {
        return access.readerKeyFor(projectId, environment, "Feedback")
                .chain(token -> feedback.screenshot(token, GetFeedbackScreenshotRequest.newBuilder()
                        .setEnvironment(environment).setFeedbackId(id).build()))
                // Served as an attachment with its own type only: never rendered as a page of ours.
                .map(png -> Response.ok(png.getPng().toByteArray(), "image/png")
                        .header("Content-Disposition", "attachment; filename=\"feedback-" + id + ".png\"")
                        .header("X-Content-Type-Options", "nosniff").build());
    }

    private static Response tagged(Survey survey, int status) {
        return Response.status(status).tag(Long.toString(survey.getVersion())).entity(view(survey)).build();
    }

    private static ObjectNode view(Survey survey) {
        ObjectNode out = ProtoJson.write(survey);
        out.remove("definitionJson");
        out.set("definition", tree(survey.getDefinitionJson()));
        return out;
    }

    /** A definition or status the service recorded, as JSON (as text if it is not JSON, which it always was). */
    private static JsonNode tree(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }
}
