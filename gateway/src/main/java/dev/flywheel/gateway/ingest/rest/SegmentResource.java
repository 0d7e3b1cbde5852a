package dev.flywheel.gateway.ingest.rest;

import java.time.Instant;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.auth.service.KeyResolver;
import dev.flywheel.gateway.auth.service.RequestAdmission;
import dev.flywheel.gateway.caller.KeyKind;
import dev.flywheel.gateway.caller.ResolvedKey;
import dev.flywheel.gateway.config.GatewayConfig;
import dev.flywheel.gateway.cors.CorsFilters;
import dev.flywheel.gateway.ingest.client.EventCollectorClient;
import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.ingest.IngestLimits;
import dev.flywheel.ingest.SegmentParser;
import dev.flywheel.service.limits.InFlightLimiter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The Segment-compatible tracking API, so existing analytics libraries only change their host. The body is not
 * parsed here: it is checked for size, inflated if gzipped and forwarded as bytes to the event-collector, which
 * parses it once. Any Content-Type is accepted (browsers send text/plain to avoid preflights; rudder sends a form
 * type with a JSON body).
 */
@Path("/v1")
@Tag(name = "Event collection (Segment-compatible)")
public class SegmentResource {

    private static final String CALLS = "identify|track|page|screen|group|alias|batch|import|b|t|i|p|s|g|a";
    private static final int MAX_BODY = IngestLimits.SEGMENT.maxBatchBytes();

    private final KeyResolver resolver;
    private final RequestAdmission admission;
    private final EventCollectorClient collector;
    private final InFlightLimiter inFlight;

    public SegmentResource(KeyResolver resolver, RequestAdmission admission, EventCollectorClient collector,
            GatewayConfig config) {
        this.resolver = resolver;
        this.admission = admission;
        this.collector = collector;
        this.inFlight = new InFlightLimiter(config.maxIngestBytesInFlight());
    }

    public record Accepted(boolean success, int accepted, int duplicates, int rejected) {
    }

    @POST
    @Path("/{call: " + CALLS + "}{slash: /?}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send events (Segment HTTP tracking API); authenticate with a client or server key as the write key")
    public Uni<Response> ingest(@PathParam("call") String call,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "SegmentBody"))) byte[] body,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("X-Write-Key") String writeKeyHeader,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding,
            @HeaderParam(CorsFilters.ORIGIN) String origin,
            @HeaderParam(HttpHeaders.USER_AGENT) String userAgent,
            @Context HttpServerRequest http) {
        Instant receivedAt = Instant.now();
        byte[] json = decode(body == null ? new byte[0] : body, contentEncoding);
        String headerKey = WriteKeys.fromHeaders(authorization, writeKeyHeader);
        String writeKey = headerKey != null ? headerKey : SegmentParser.findWriteKey(json);
        String fullCall = fullName(call);
        String clientIp = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        return authenticate(writeKey, fullCall)
                .call(key -> admission.admit(key, origin))
                // Shed load before holding more bodies than the heap can take while the collector catches up.
                .flatMap(key -> inFlight.admit(json.length,
                        () -> collector.forward(writeKey, fullCall, json, clientIp, userAgent, receivedAt),
                        () -> ApiException.retryLater(ApiError.RATE_LIMITED,
                                "event collection is at capacity; retry shortly", 1)))
                .map(result -> Response.ok(new Accepted(true, result.getAccepted(), result.getDuplicates(),
                        result.getRejected())).build());
    }

    @GET
    @Path("/projects/{writeKey}/settings")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Browser library bootstrap: where to send events for this write key")
    public Uni<Response> settings(@PathParam("writeKey") String writeKey, @Context UriInfo uri,
            @HeaderParam(CorsFilters.ORIGIN) String origin) {
        return resolver.resolve(writeKey)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Write key"))
                .map(key -> {
                    String host = uri.getBaseUri().getAuthority();
                    Map<String, Object> segment = Map.of("apiKey", writeKey, "apiHost", host + "/v1",
                            "protocol", uri.getBaseUri().getScheme());
                    return CorsFilters.allowOrigin(Response.ok(Map.of("integrations", Map.of("Segment.io", segment))),
                            origin).build();
                });
    }

    private Uni<ResolvedKey> authenticate(String writeKey, String call) {
        if (writeKey == null) {
            return Uni.createFrom().failure(new ApiException(ApiError.UNAUTHENTICATED,
                    "Send the write key with Basic auth, an X-Write-Key header or a writeKey field"));
        }
        return resolver.resolve(writeKey)
                .onItem().ifNull().failWith(() -> new ApiException(ApiError.UNAUTHENTICATED,
                        "The write key is unknown, revoked or expired"))
                .invoke(key -> {
                    if (key.kind() == KeyKind.ADMIN) {
                        throw ApiException.forbidden("Admin keys cannot send events; use a client or server key");
                    }
                    if ("import".equals(call) && key.kind() != KeyKind.SERVER) {
                        throw ApiException.forbidden("Importing historical events needs a server key");
                    }
                });
    }

    private static byte[] decode(byte[] body, String contentEncoding) {
        if (contentEncoding != null && contentEncoding.trim().equalsIgnoreCase("gzip")) {
            return Gzip.inflate(body, MAX_BODY);
        }
        if (body.length > MAX_BODY) {
            throw new ApiException(ApiError.MALFORMED_REQUEST,
                    "batch_too_large: body of " + body.length + " bytes exceeds " + MAX_BODY);
        }
        return body;
    }

    private static String fullName(String call) {
        return switch (call) {
            case "b" -> "batch";
            case "t" -> "track";
            case "i" -> "identify";
            case "p" -> "page";
            case "s" -> "screen";
            case "g" -> "group";
            case "a" -> "alias";
            default -> call;
        };
    }
}
