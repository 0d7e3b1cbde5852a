package dev.flywheel.gateway.recordings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.gateway.access.ProjectAdminAccess;
import dev.flywheel.gateway.analytics.client.AnalyticsClient;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.cors.CorsFilters;
import dev.flywheel.gateway.feedback.client.FeedbackClient;
import dev.flywheel.gateway.json.ProtoJson;
import dev.flywheel.gateway.json.QueryParams;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.recordings.v1.DeleteHeatmapDataRequest;
import dev.flywheel.proto.recordings.v1.DeleteRecordingsRequest;
import dev.flywheel.proto.recordings.v1.FindEventOccurrencesRequest;
import dev.flywheel.proto.recordings.v1.GetRecordingRequest;
import dev.flywheel.proto.recordings.v1.ListRecordingsRequest;
import dev.flywheel.service.grpc.ProtoValues;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * A project environment's session recordings: the list with filters, one session's summary, its replay data (the
 * rrweb events as one JSON array, gzip, streamed chunk by chunk) and erasure.
 */
@Path("/api/v1/projects/{projectId}/environments/{environment}/recordings")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Recordings")
@SecurityRequirement(name = "apiKey")
public class RecordingResource {

    private final FeedbackClient feedback;
    private final AnalyticsClient analytics;
    private final ProjectAdminAccess access;
    private final CallerContext callerContext;

    public RecordingResource(FeedbackClient feedback, AnalyticsClient analytics, ProjectAdminAccess access,
            CallerContext callerContext) {
        this.callerContext = callerContext;
        this.analytics = analytics;
        this.feedback = feedback;
        this.access = access;
    }

    @GET
    @Access(Access.Level.ENVIRONMENT_READER)
    @Operation(summary = "Sessions newest first; filters distinctId, url (a visited page contains it), event (performed during the session; the 10,000 most recent performances in the range), minDurationMs, from, to, at (going on then: with distinctId, a survey answer's or feedback item's recording), variation (experiment:variation), rageClicks, errors; limit (1-200) and pageToken page")
    public Uni<ObjectNode> list(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @QueryParam("distinctId") String distinctId, @QueryParam("url") String url,
            @QueryParam("minDurationMs") String minDurationMs, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("variation") String variation,
            @QueryParam("rageClicks") String rageClicks, @QueryParam("errors") String errors,
            @QueryParam("limit") String limit, @QueryParam("pageToken") String pageToken,
            @QueryParam("at") String at, @QueryParam("event") String event) {
        ListRecordingsRequest.Builder request = ListRecordingsRequest.newBuilder().setEnvironment(environment);
        if (distinctId != null) {
            request.setDistinctId(distinctId);
        }
        if (url != null) {
            request.setUrlContains(url);
        }
        if (minDurationMs != null) {
            request.setMinDurationMs(QueryParams.count(minDurationMs, "minDurationMs"));
        }
        if (from != null) {
            request.setStartedFrom(ProtoJson.timestamp(from, "from"));
        }
        if (to != null) {
            request.setStartedBefore(ProtoJson.timestamp(to, "to"));
        }
        if (variation != null) {
            request.setVariation(variation);
        }
        request.setHasRageClicks(flag(rageClicks, "rageClicks")).setHasConsoleErrors(flag(errors, "errors"));
        if (limit != null) {
            request.setPageSize(QueryParams.intCount(limit, "limit"));
        }
        if (pageToken != null) {
            request.setPageToken(pageToken);
        }
        if (at != null) {
            request.setAt(ProtoJson.timestamp(at, "at"));
        }
        if (event != null && event.isBlank()) {
            throw ApiException.invalid("event", "names the event performed during the session");
        }
        return access.readerKeyFor(projectId, environment, "Recordings")
                .chain(token -> (event == null
                        ? Uni.createFrom().item(request)
                        : analytics.eventOccurrences(token, FindEventOccurrencesRequest.newBuilder()
                                .setEnvironment(environment).setEvent(event)
                                // the sessions' own range, or the default retention's
                                .setFrom(request.hasStartedFrom()
                                        ? request.getStartedFrom()
                                        : ProtoValues.timestamp(
                                                Instant.now().minus(Duration.ofDays(31))))
                                .setTo(request.hasStartedBefore()
                                        ? request.getStartedBefore()
                                        : ProtoValues
                                                .timestamp(Instant.now().plus(Duration.ofDays(1))))
                                .build()).map(request::setPerformed))
                        .chain(filtered -> feedback.recordings(token, filtered.build())))
                .map(ProtoJson::write);
    }

    @GET
    @Path("/{sessionId}")
    @Access(Access.Level.ENVIRONMENT_READER)
    @Operation(summary = "One session's summary: person, times, pages, clicks, rage clicks, errors, flags and variations seen, the surveys shown and feedback left during it")
    public Uni<ObjectNode> get(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("sessionId") String sessionId) {
        return access.readerKeyFor(projectId, environment, "Recordings")
                .chain(token -> feedback.recording(token, GetRecordingRequest.newBuilder().setEnvironment(environment)
                        .setSessionId(sessionId).build()))
                .map(ProtoJson::write);
    }

    @GET
    @Path("/{sessionId}/replay")
    // bytes already JSON-and-gzip; as application/json a Multi would be wrapped in a JSON array of its own
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Access(Access.Level.ENVIRONMENT_READER)
    @Operation(summary = "The session's rrweb events in order as one JSON array (gzip), for @rrweb/replay; streamed chunk by chunk")
    public Multi<Buffer> replay(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("sessionId") String sessionId) {
        GetRecordingRequest request = GetRecordingRequest.newBuilder().setEnvironment(environment)
                .setSessionId(sessionId).build();
        // the summary first, so that an unknown session is a 404 problem before any byte is sent
        Uni<String> ready = access.readerKeyFor(projectId, environment, "Recordings")
                .call(token -> feedback.recording(token, request));
        // read now, on the request's context: the headers are written later, when the first bytes are ready
        Map<String, List<String>> headers = new HashMap<>(CorsFilters.allowOriginHeaders(callerContext
                .allowedOrigin()));
        headers.put("Content-Type", List.of(MediaType.APPLICATION_JSON));
        headers.put("Content-Encoding", List.of("gzip"));
        headers.put("Cache-Control", List.of("private, no-store"));
        return RestMulti.fromUniResponse(ready, token -> gzipArray(feedback.replay(token, request)
                .map(part -> part.getEventsJson().toByteArray())), token -> headers, token -> 200);
    }

    @DELETE
    @Path("/{sessionId}")
    @Access(Access.Level.PROJECT_ADMIN)
    @Operation(summary = "Erase one session's recording")
    public Uni<Response> delete(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @PathParam("sessionId") String sessionId) {
        return erase(projectId, environment, DeleteRecordingsRequest.newBuilder().setSessionId(sessionId));
    }

    @DELETE
    @Access(Access.Level.PROJECT_ADMIN)
    @Operation(summary = "Erase everything recorded of a person: their recordings and heatmap points (distinctId= is required)")
    public Uni<Response> deleteOfPerson(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @QueryParam("distinctId") String distinctId) {
        if (distinctId == null || distinctId.isBlank()) {
            throw ApiException.invalid("distinctId", "names the person whose recordings to erase");
        }
        return access.keyFor(projectId, environment, "Recordings")
                .chain(token -> feedback.deleteRecordings(token, DeleteRecordingsRequest.newBuilder()
                        .setEnvironment(environment).setDistinctId(distinctId).build())
                        .chain(sessions -> analytics.deleteHeatmapData(token, DeleteHeatmapDataRequest.newBuilder()
                                .setEnvironment(environment).setDistinctId(distinctId).build())
                                .map(points -> Response.ok(Map.of("sessionsDeleted", sessions.getSessionsDeleted(),
                                        "heatmapPointsDeleted", points.getPointsDeleted())).build())));
    }

    private Uni<Response> erase(UUID projectId, String environment, DeleteRecordingsRequest.Builder request) {
        return access.keyFor(projectId, environment, "Recordings")
                .chain(token -> feedback.deleteRecordings(token, request.setEnvironment(environment).build()))
                .map(deleted -> Response.ok(Map.of("sessionsDeleted", deleted.getSessionsDeleted())).build());
    }

    /** "[", the parts joined by ",", "]", gzip-compressed as they come: each part leaves as soon as it is read. */
    static Multi<Buffer> gzipArray(Multi<byte[]> parts) {
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        GZIPOutputStream gzip;
        try {
            gzip = new GZIPOutputStream(pending, 8192, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean[] first = {true};
        return parts.map(part -> {
            write(gzip, first[0] ? "[" : ",");
            first[0] = false;
            write(gzip, part);
            return drain(gzip, pending, false);
        }).onCompletion().switchTo(() -> {
            write(gzip, first[0] ? "[]" : "]");
            return Multi.createFrom().item(drain(gzip, pending, true));
        });
    }

    private static void write(GZIPOutputStream gzip, String text) {
        write(gzip, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(GZIPOutputStream gzip, byte[] bytes) {
        try {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Buffer drain(GZIPOutputStream gzip, ByteArrayOutputStream pending, boolean last) {
        try {
            if (last) {
                gzip.finish();
            } else {
                gzip.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Buffer out = Buffer.buffer(pending.toByteArray());
        pending.reset();
        return out;
    }

    private static boolean flag(String text, String field) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.invalid(field, "must be true or false");
        };
    }
}
