package dev.flywheel.gateway.people.rest;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.caller.Caller;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.caller.Person;
import dev.flywheel.gateway.people.service.PeopleService;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.tenancy.service.TenancyService;
import dev.flywheel.gateway.tenancy.store.TenancyStore.EnvironmentRow;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** Signing in and out of the console, and the signed-in person (ADR 0011). */
@Path("/api/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "People and sessions")
public class SessionResource {

    private final PeopleService people;
    private final CallerContext callerContext;
    private final TenancyService tenancy;

    public SessionResource(PeopleService people, CallerContext callerContext, TenancyService tenancy) {
        this.people = people;
        this.callerContext = callerContext;
        this.tenancy = tenancy;
    }

    public record SignIn(@NotBlank @Email @Size(max = 320) String email, @NotNull @Size(max = 256) String password) {
    }

    public record PasswordChange(@NotNull @Size(max = 256) String currentPassword,
            @NotNull @Size(max = 256) String newPassword) {
    }

    public record ProjectRole(UUID id, UUID organisationId, String name, String role, List<String> environments) {
    }

    /** The signed-in person, the CSRF token their writes carry, and their projects with their role in each. */
    public record Me(UUID id, String email, String name, String csrfToken, List<ProjectRole> projects) {
    }

    @POST
    @Path("/sessions")
    @Operation(summary = "Sign in with email and password: sets the session cookie (throttled per account and address)")
    public Uni<Response> signIn(@Valid @NotNull SignIn request, @Context UriInfo uri, @Context RoutingContext routing) {
        return people.signIn(request.email().strip(), request.password(), clientAddress(routing))
                .map(session -> Response.noContent().cookie(SessionCookie.issue(session, uri)).build());
    }

    @DELETE
    @Path("/sessions/current")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Sign out of this browser (everywhere=true: every session of yours)")
    public Uni<Response> signOut(@QueryParam("everywhere") boolean everywhere, @Context UriInfo uri) {
        Person person = person();
        return (everywhere ? people.signOutEverywhere(person) : people.signOut(person))
                .map(done -> Response.noContent().cookie(SessionCookie.clear(uri)).build());
    }

    @GET
    @Path("/me")
    @Operation(summary = "The signed-in person, their CSRF token and their projects with their roles")
    public Uni<Me> me() {
        Person person = person();
        return tenancy.findProjects(person.roles().keySet()).map(mine -> new Me(person.id(), person.email(),
                person.name(), person.csrfToken(), mine.stream().map(found -> new ProjectRole(found.project().id(),
                        found.project().organisationId(), found.project().name(), person.roleIn(found.project().id())
                                .wireName(),
                        found.environments().stream().map(EnvironmentRow::name).toList()))
                        .toList()));
    }

    @PUT
    @Path("/me/password")
    @Operation(summary = "Change your password: every other session ends, this browser gets a new one")
    public Uni<Response> changePassword(@Valid @NotNull PasswordChange request, @Context UriInfo uri) {
        return people.changePassword(person(), request.currentPassword(), request.newPassword())
                .map(session -> Response.noContent().cookie(SessionCookie.issue(session, uri)).build());
    }

    private Person person() {
        Caller caller = callerContext.caller();
        if (!caller.isPerson()) {
            throw ApiException.forbidden("This is for people signed in to the console, not API keys");
        }
        return caller.person();
    }

    static String clientAddress(RoutingContext routing) {
        var remote = routing.request().remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress();
    }
}
