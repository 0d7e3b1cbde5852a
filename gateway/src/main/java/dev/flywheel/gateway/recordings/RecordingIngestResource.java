package dev.flywheel.gateway.recordings;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.google.protobuf.ByteString;

import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.config.GatewayConfig;
import dev.flywheel.gateway.feedback.client.FeedbackClient;
import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.recordings.v1.PutChunkRequest;
import io.smallrye.mutiny.Uni;

/**
 * Session-recording chunks from browsers (the SDK's recorder) and backends, with a client or server key: passed on as
 * sent (gzip stays compressed; the feedback service decompresses with bounds) and acknowledged once stored (ADR 0012).
 */
@Path("/api/v1/recordings")
@Tag(name = "Recordings")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.ENVIRONMENT_KEY)
public class RecordingIngestResource {

    private final FeedbackClient feedback;
    private final CallerContext callerContext;
    private final long maxChunkBytes;

    public RecordingIngestResource(FeedbackClient feedback, CallerContext callerContext, GatewayConfig config) {
        this.feedback = feedback;
        this.callerContext = callerContext;
        this.maxChunkBytes = config.maxRecordingChunkBytes();
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One chunk of a session recording (JSON, usually with Content-Encoding: gzip); a chunk sent again is stored once")
    public Uni<Map<String, Object>> put(
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RecordingChunk"))) byte[] body,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding) {
        boolean gzip = contentEncoding != null && contentEncoding.trim().equalsIgnoreCase("gzip");
        if (contentEncoding != null && !gzip && !contentEncoding.trim().equalsIgnoreCase("identity")) {
            throw new ApiException(ApiError.UNSUPPORTED_MEDIA_TYPE, "Content-Encoding must be gzip or identity");
        }
        if (body == null || body.length == 0) {
            throw ApiException.invalid("body", "a recording chunk is required");
        }
        // a body sent without a length (chunked) was not bounded by the size filter
        if (body.length > maxChunkBytes) {
            throw new ApiException(ApiError.PAYLOAD_TOO_LARGE, "A chunk of " + body.length
                    + " bytes exceeds the limit of " + maxChunkBytes + "; send smaller chunks");
        }
        String key = callerContext.environmentToken("recordings are sent with a client or server key of one "
                + "environment");
        return feedback.putChunk(key, PutChunkRequest.newBuilder().setBody(ByteString.copyFrom(body)).setGzip(gzip)
                .build())
                .map(stored -> Map.of("sessionId", stored.getSessionId(), "sequence", stored.getSequence(),
                        "duplicate", stored.getDuplicate()));
    }
}
