package dev.flywheel.gateway.experiments.rest;

import java.time.Duration;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.cors.CorsFilters;
import dev.flywheel.gateway.experiments.client.ExperimentsClient;
import dev.flywheel.proto.experiments.v1.GrowthBookFeaturesRequest;
import dev.flywheel.proto.experiments.v1.GrowthBookFeaturesResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * GrowthBook's SDK endpoints, so its unmodified SDKs assign users in their own process as AssignAll does: the
 * payload at {@code /api/features/<key>} (with an ETag; If-None-Match answers 304) and its server-sent-event stream at
 * {@code /sub/<key>} (event {@code features} with the whole payload, at once and after every change). The key is in
 * the path, as GrowthBook's SDKs send it: a client key (browsers) or a server key. Which experiments the payload
 * cannot carry, and why, editors read from {@link ExperimentResource#growthBook}.
 */
@Path("/")
@Tag(name = "Experiments")
@Access(Access.Level.ENVIRONMENT_KEY)
public class GrowthBookResource {

    private static final Duration KEEP_ALIVE = Duration.ofSeconds(20);
    private static final String REFUSAL = "GrowthBook's SDKs read experiments with a client or server key in the path";

    private final ExperimentsClient experiments;
    private final CallerContext callerContext;
    private final Vertx vertx;

    public GrowthBookResource(ExperimentsClient experiments, CallerContext callerContext, Vertx vertx) {
        this.vertx = vertx;
        this.experiments = experiments;
        this.callerContext = callerContext;
    }

    @GET
    @Path("/api/features/{clientKey}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "GrowthBook's SDK payload of the key's environment: each running experiment as a feature")
    public Uni<Response> features(@PathParam("clientKey") String clientKey,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        String key = callerContext.environmentToken(REFUSAL);
        return experiments.growthBookFeatures(key, GrowthBookFeaturesRequest.getDefaultInstance()).toUni()
                .map(payload -> {
                    Response.ResponseBuilder response = matches(ifNoneMatch, payload.getEtag())
                            ? Response.notModified()
                            : Response.ok(payload.getPayloadJson(), MediaType.APPLICATION_JSON);
                    // SDKs ask again on every page load or interval: always revalidate, the ETag makes it cheap
                    return response.tag(EntityTag.valueOf(payload.getEtag())).header("Cache-Control", "no-cache")
                            .header("X-SSE-Support", "enabled").build();
                });
    }

    @GET
    @Path("/sub/{clientKey}")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "GrowthBook's streaming updates: a 'features' event with the whole payload, at once and after every change")
    public Multi<OutboundSseEvent> stream(@PathParam("clientKey") String clientKey, @Context Sse sse,
            @Context HttpServerResponse http) {
        String key = callerContext.environmentToken(REFUSAL);
        // set now: a stream's headers go out with its first event, which response filters never see
        CorsFilters.allowOriginHeaders(callerContext.allowedOrigin()).forEach((name, values) -> http.putHeader(name,
                values.get(0)));
        http.putHeader("Cache-Control", "no-cache");
        http.putHeader("X-Accel-Buffering", "no");
        Multi<GrowthBookFeaturesResponse> payloads = experiments.growthBookFeatures(key,
                GrowthBookFeaturesRequest.newBuilder().setWatch(true).build());
        // a comment line now and then keeps proxies from closing a quiet stream; it ends with the payloads (a
        // revoked key, a service stopping: the SDK reconnects)
        Multi<OutboundSseEvent> events = Multi.createFrom().emitter(emitter -> {
            long timer = vertx.setPeriodic(KEEP_ALIVE.toMillis(),
                    id -> emitter.emit(sse.newEventBuilder().comment("keep-alive").build()));
            Cancellable subscription = payloads.subscribe().with(payload -> emitter.emit(sse.newEventBuilder()
                    .name("features").data(payload.getPayloadJson()).build()),
                    failure -> emitter.fail(failure), emitter::complete);
            emitter.onTermination(() -> {
                vertx.cancelTimer(timer);
                subscription.cancel();
            });
        });
        return events;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}
