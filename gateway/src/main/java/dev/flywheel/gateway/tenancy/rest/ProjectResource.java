package dev.flywheel.gateway.tenancy.rest;

import static dev.flywheel.gateway.audit.ProjectAudit.details;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.audit.ProjectAudit;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.Caller;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.tenancy.rest.TenancyViews.CreateEnvironmentRequest;
import dev.flywheel.gateway.tenancy.rest.TenancyViews.CreateProjectRequest;
import dev.flywheel.gateway.tenancy.rest.TenancyViews.EnvironmentView;
import dev.flywheel.gateway.tenancy.rest.TenancyViews.ProjectView;
import dev.flywheel.gateway.tenancy.rest.TenancyViews.UpdateProjectRequest;
import dev.flywheel.gateway.tenancy.service.TenancyService;
import dev.flywheel.gateway.tenancy.service.TenancyService.ProjectChanges;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/projects")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Projects")
@SecurityRequirement(name = "apiKey")
public class ProjectResource {

    private final TenancyService tenancy;
    private final CallerContext callerContext;
    private final ProjectAudit audit;

    public ProjectResource(TenancyService tenancy, CallerContext callerContext, ProjectAudit audit) {
        this.audit = audit;
        this.tenancy = tenancy;
        this.callerContext = callerContext;
    }

    @Access(Access.Level.PLATFORM_ADMIN)
    @POST
    @Operation(summary = "Create a project with its environments (bootstrap admin only)")
    public Uni<Response> create(@Valid @NotNull CreateProjectRequest request) {
        callerContext.caller().requirePlatformAdmin();
        return tenancy.createProject(request.organisationId(), request.name(), request.corsOrigins(),
                request.rateLimit() == null ? null : request.rateLimit().perSecond(),
                request.rateLimit() == null ? null : request.rateLimit().burst(), request.environments())
                .map(created -> Response.status(Response.Status.CREATED).entity(ProjectView.of(created)).build());
    }

    @GET
    @Operation(summary = "List the projects this key may manage")
    public Uni<List<ProjectView>> list(@QueryParam("organisationId") String organisation) {
        UUID organisationId = organisationId(organisation);
        Caller caller = callerContext.caller();
        if (caller.isPlatformAdmin()) {
            return tenancy.listProjects(organisationId).map(all -> all.stream().map(ProjectView::of).toList());
        }
        if (caller.isPerson()) {
            return tenancy.findProjects(caller.person().roles().keySet()).map(mine -> mine.stream()
                    .filter(found -> organisationId == null || organisationId.equals(found.project().organisationId()))
                    .map(ProjectView::of).toList());
        }
        caller.requireAdminOf(caller.key().projectId());
        if (organisationId != null && !organisationId.equals(caller.key().organisationId())) {
            return Uni.createFrom().item(List.of());
        }
        return tenancy.findProject(caller.key().projectId())
                .map(own -> own == null ? List.<ProjectView>of() : List.of(ProjectView.of(own)));
    }

    /** The filter, when given: a malformed one is the caller's mistake (400), not an empty or unfiltered list. */
    private static UUID organisationId(String organisation) {
        if (organisation == null || organisation.isEmpty()) {
            return null;
        }
        try {
            return UUID.fromString(organisation);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("organisationId", "must be an organisation id (a UUID)");
        }
    }

    @Access(Access.Level.PROJECT_SETTINGS)
    @GET
    @Path("/{projectId}")
    @Operation(summary = "Get a project")
    public Uni<ProjectView> get(@PathParam("projectId") UUID projectId) {
        return tenancy.findProject(projectId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Project"))
                .map(ProjectView::of);
    }

    @Access(Access.Level.PROJECT_SETTINGS)
    @PATCH
    @Path("/{projectId}")
    @Operation(summary = "Change a project's name, allowed origins or rate limit")
    public Uni<ProjectView> update(@PathParam("projectId") UUID projectId,
            @Valid @NotNull UpdateProjectRequest request) {
        callerContext.caller().requireAdminOf(projectId);
        ProjectChanges changes = new ProjectChanges(request.name(), request.corsOrigins(),
                request.rateLimit() == null ? null : request.rateLimit().perSecond(),
                request.rateLimit() == null ? null : request.rateLimit().burst());
        return audit.after(tenancy.updateProject(projectId, changes), projectId, callerContext.caller(),
                "project.updated", updated -> "project:" + projectId, updated -> details("name", request.name(),
                        "corsOrigins", request.corsOrigins(), "rateLimitPerSecond", changes.rateLimitPerSecond(),
                        "rateLimitBurst", changes.rateLimitBurst()))
                .map(ProjectView::of);
    }

    @Access(Access.Level.PROJECT_SETTINGS)
    @GET
    @Path("/{projectId}/environments")
    @Operation(summary = "List a project's environments")
    public Uni<List<EnvironmentView>> environments(@PathParam("projectId") UUID projectId) {
        return tenancy.findProject(projectId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Project"))
                .map(found -> found.environments().stream().map(EnvironmentView::of).toList());
    }

    @Access(Access.Level.PROJECT_ADMIN)
    @POST
    @Path("/{projectId}/environments")
    @Operation(summary = "Add an environment to a project")
    public Uni<Response> addEnvironment(@PathParam("projectId") UUID projectId,
            @Valid @NotNull CreateEnvironmentRequest request) {
        callerContext.caller().requireAdminOf(projectId);
        return audit.after(tenancy.addEnvironment(projectId, request.name()), projectId, callerContext.caller(),
                "environment.added", env -> "environment:" + request.name(), env -> details())
                .map(env -> Response.status(Response.Status.CREATED).entity(EnvironmentView.of(env)).build());
    }
}
