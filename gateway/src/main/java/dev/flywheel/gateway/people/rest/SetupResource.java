package dev.flywheel.gateway.people.rest;

import java.time.Instant;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.config.ConsoleConfig;
import dev.flywheel.gateway.people.service.PeopleService;
import io.smallrye.mutiny.Uni;

/**
 * The first owner (ADR 0011): the operator issues a one-time setup link with the bootstrap credential (`./flywheel
 * up` prints one), and whoever opens it creates the first account, owner of every project.
 */
@Path("/api/v1/setup")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "People and sessions")
public class SetupResource {

    private final PeopleService people;
    private final ConsoleConfig config;

    public SetupResource(PeopleService people, ConsoleConfig config) {
        this.people = people;
        this.config = config;
    }

    /** What the sign-in page offers: the first owner's setup while it is needed, and single sign-on. */
    public record SignInOptions(boolean needed, boolean sso, String ssoLabel) {
    }

    public record SetupLink(String token, String path, Instant expiresAt) {
    }

    public record FirstOwner(@NotBlank @Size(max = 200) String token, @NotBlank @Email @Size(max = 320) String email,
            @NotBlank @Size(max = 200) String name, @NotNull @Size(max = 256) String password) {
    }

    @GET
    @Operation(summary = "Whether the first owner still has to be set up, and whether single sign-on is offered")
    public Uni<SignInOptions> status() {
        return people.setupNeeded().map(needed -> new SignInOptions(needed, config.sso().enabled(),
                config.sso().label()));
    }

    @POST
    @Path("/tokens")
    @Consumes(MediaType.WILDCARD)
    @Access(Access.Level.PLATFORM_ADMIN)
    @SecurityRequirement(name = "apiKey")
    @Operation(summary = "Issue a one-time link for the first owner (bootstrap credential; 409 once anyone signed up)")
    public Uni<Response> issue() {
        return people.issueSetupToken().map(issued -> Response.status(Response.Status.CREATED)
                .entity(new SetupLink(issued.token(), "/console/setup#" + issued.token(), issued.expiresAt()))
                .build());
    }

    @POST
    @Operation(summary = "Create the first owner with a setup link's token; signs them in")
    public Uni<Response> setUp(@Valid @NotNull FirstOwner request, @Context UriInfo uri) {
        return people.setUp(request.token(), request.email().strip(), request.name().strip(), request.password())
                .map(session -> Response.status(Response.Status.CREATED).cookie(SessionCookie.issue(session, uri))
                        .build());
    }
}
