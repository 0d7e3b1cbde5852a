package dev.flywheel.gateway.analytics.rest;

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
import dev.flywheel.proto.analytics.v1.GetPersonRequest;
import dev.flywheel.proto.analytics.v1.SearchPeopleRequest;
import io.smallrye.mutiny.Uni;

/**
 * The people in an environment's analytics (end users, not the project's members): found by id or trait, and one
 * person's ids, traits, experiments and latest events; see docs/analytics.md.
 */
@Path("/api/v1/projects/{projectId}/environments/{environment}/people")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Analytics")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.ENVIRONMENT_READER)
public class PersonProfileResource {

    private final AnalyticsClient analytics;
    private final ProjectAdminAccess access;

    public PersonProfileResource(AnalyticsClient analytics, ProjectAdminAccess access) {
        this.analytics = analytics;
        this.access = access;
    }

    @GET
    @Operation(summary = "People whose id or trait values contain q, or whose trait is a value (q=plan=pro); limit up to 200")
    public Uni<ObjectNode> search(@PathParam("projectId") UUID projectId, @PathParam("environment") String environment,
            @QueryParam("q") String query, @QueryParam("limit") String limit) {
        SearchPeopleRequest.Builder request = SearchPeopleRequest.newBuilder().setEnvironment(environment)
                .setQuery(query == null ? "" : query);
        if (limit != null) {
            request.setLimit(QueryParams.intCount(limit, "limit"));
        }
        return access.readerKeyFor(projectId, environment, "People")
                .chain(key -> analytics.searchPeople(key, request.build())).map(ProtoJson::write);
    }

    @GET
    @Path("/{distinctId}")
    @Operation(summary = "One person by any of their ids: every id, traits, experiments and variations, and their events of the last days (default 30) newest first (limit, default 100)")
    public Uni<ObjectNode> person(@PathParam("projectId") UUID projectId,
            @PathParam("environment") String environment, @PathParam("distinctId") String distinctId,
            @QueryParam("days") String days, @QueryParam("limit") String limit) {
        GetPersonRequest.Builder request = GetPersonRequest.newBuilder().setEnvironment(environment)
                .setDistinctId(distinctId);
        if (days != null) {
            request.setDays(QueryParams.intCount(days, "days"));
        }
        if (limit != null) {
            request.setLimit(QueryParams.intCount(limit, "limit"));
        }
        return access.readerKeyFor(projectId, environment, "People")
                .chain(key -> analytics.person(key, request.build())).map(ProtoJson::write);
    }
}
