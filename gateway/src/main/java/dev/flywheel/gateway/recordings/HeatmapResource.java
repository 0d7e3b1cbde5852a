package dev.flywheel.gateway.recordings;

import java.util.Locale;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.gateway.access.ProjectAdminAccess;
import dev.flywheel.gateway.analytics.client.AnalyticsClient;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.json.ProtoJson;
import dev.flywheel.gateway.json.QueryParams;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.recordings.v1.HeatmapKind;
import dev.flywheel.proto.recordings.v1.HeatmapRequest;
import dev.flywheel.proto.recordings.v1.UrlMatch;
import io.smallrye.mutiny.Uni;

/** A page's heatmap (click, rage-click or move density, and the elements clicked most) and its scroll map. */
@Path("/api/v1/projects/{projectId}/environments/{environment}/heatmaps")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Recordings")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.ENVIRONMENT_READER)
public class HeatmapResource {

    private final AnalyticsClient analytics;
    private final ProjectAdminAccess access;

    public HeatmapResource(AnalyticsClient analytics, ProjectAdminAccess access) {
        this.analytics = analytics;
        this.access = access;
    }

    @GET
    @Operation(summary = "Density of clicks (kind=click), rage clicks (rage), dead clicks (dead) or pointer positions (move) on the pages matching url (match=exact|prefix|pattern), for viewports minWidth to maxWidth, from/to (whole UTC days); columns across the width (a divisor of 320), rows of cellPx page pixels (a multiple of 4)")
    public Uni<ObjectNode> heatmap(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @QueryParam("url") String url,
            @QueryParam("match") String match, @QueryParam("minWidth") String minWidth,
            @QueryParam("maxWidth") String maxWidth, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("kind") String kind, @QueryParam("columns") String columns,
            @QueryParam("cellPx") String cellPx) {
        HeatmapRequest.Builder request = request(environment, url, match, minWidth, maxWidth, from, to);
        if (kind != null) {
            request.setKind(switch (kind.toLowerCase(Locale.ROOT)) {
                case "click" -> HeatmapKind.HEATMAP_KIND_CLICK;
                case "rage" -> HeatmapKind.HEATMAP_KIND_RAGE;
                case "move" -> HeatmapKind.HEATMAP_KIND_MOVE;
                case "dead" -> HeatmapKind.HEATMAP_KIND_DEAD;
                default -> throw ApiException.invalid("kind", "must be click, rage, dead or move");
            });
        }
        if (columns != null) {
            request.setColumns(QueryParams.intCount(columns, "columns"));
        }
        if (cellPx != null) {
            request.setCellPx(QueryParams.intCount(cellPx, "cellPx"));
        }
        return access.readerKeyFor(projectId, environment, "Heatmaps")
                .chain(token -> analytics.heatmap(token, request.build())).map(ProtoJson::write);
    }

    @GET
    @Path("/scroll")
    @Operation(summary = "The share of page views that reached each depth (100 px steps), for the pages matching url")
    public Uni<ObjectNode> scroll(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @QueryParam("url") String url,
            @QueryParam("match") String match, @QueryParam("minWidth") String minWidth,
            @QueryParam("maxWidth") String maxWidth, @QueryParam("from") String from, @QueryParam("to") String to) {
        HeatmapRequest request = request(environment, url, match, minWidth, maxWidth, from, to).build();
        return access.readerKeyFor(projectId, environment, "Heatmaps")
                .chain(token -> analytics.scrollMap(token, request)).map(ProtoJson::write);
    }

    private static HeatmapRequest.Builder request(String environment, String url, String match, String minWidth,
            String maxWidth, String from, String to) {
        if (url == null || url.isBlank()) {
            throw ApiException.invalid("url", "names the page (or a prefix or pattern with match=)");
        }
        HeatmapRequest.Builder request = HeatmapRequest.newBuilder().setEnvironment(environment).setUrl(url);
        if (match != null) {
            request.setMatch(switch (match.toLowerCase(Locale.ROOT)) {
                case "exact" -> UrlMatch.URL_MATCH_EXACT;
                case "prefix" -> UrlMatch.URL_MATCH_PREFIX;
                case "pattern" -> UrlMatch.URL_MATCH_PATTERN;
                default -> throw ApiException.invalid("match", "must be exact, prefix or pattern");
            });
        }
        if (minWidth != null) {
            request.setMinWidth(QueryParams.intCount(minWidth, "minWidth"));
        }
        if (maxWidth != null) {
            request.setMaxWidth(QueryParams.intCount(maxWidth, "maxWidth"));
        }
        if (from != null) {
            request.setFrom(ProtoJson.timestamp(from, "from"));
        }
        if (to != null) {
            request.setTo(ProtoJson.timestamp(to, "to"));
        }
        return request;
    }

}
