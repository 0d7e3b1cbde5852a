package dev.flywheel.gateway.tenancy.rest;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.tenancy.rest.TenancyViews.CreateOrganisationRequest;
import dev.flywheel.gateway.tenancy.rest.TenancyViews.OrganisationView;
import dev.flywheel.gateway.tenancy.service.TenancyService;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/organisations")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Organisations")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.PLATFORM_ADMIN)
public class OrganisationResource {

    private final TenancyService tenancy;
    private final CallerContext callerContext;

    public OrganisationResource(TenancyService tenancy, CallerContext callerContext) {
        this.tenancy = tenancy;
        this.callerContext = callerContext;
    }

    @POST
    @Operation(summary = "Create an organisation (bootstrap admin only)")
    public Uni<Response> create(@Valid @NotNull CreateOrganisationRequest request) {
        callerContext.caller().requirePlatformAdmin();
        return tenancy.createOrganisation(request.name())
                .map(org -> Response.status(Response.Status.CREATED).entity(OrganisationView.of(org)).build());
    }

    @GET
    @Operation(summary = "List organisations (bootstrap admin only)")
    public Uni<List<OrganisationView>> list() {
        callerContext.caller().requirePlatformAdmin();
        return tenancy.listOrganisations().map(orgs -> orgs.stream().map(OrganisationView::of).toList());
    }
}
