package dev.flywheel.gateway.people.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.people.rest.MemberResource.InvitationView;
import dev.flywheel.gateway.people.service.PeopleService;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** Opening an invitation link (ADR 0011): public, since the link's token is the credential. */
@Path("/api/v1/invitations")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "People and sessions")
public class InvitationResource {

    private final PeopleService people;

    public InvitationResource(PeopleService people) {
        this.people = people;
    }

    public record InvitationToken(@NotBlank @Size(max = 200) String token) {
    }

    public record InvitationPreviewView(InvitationView invitation, boolean accountExists) {
    }

    public record Acceptance(@NotBlank @Size(max = 200) String token, @Size(max = 200) String name,
            @NotNull @Size(max = 256) String password) {
    }

    @POST
    @Path("/lookup")
    @Operation(summary = "What an invitation link offers (project, role, email) and whether its email has an account")
    public Uni<InvitationPreviewView> lookup(@Valid @NotNull InvitationToken request) {
        return people.previewInvitation(request.token()).map(preview -> new InvitationPreviewView(InvitationView.of(
                preview.invitation()), preview.accountExists()));
    }

    @POST
    @Path("/accept")
    @Operation(summary = "Accept an invitation (new people set a name and password; others give theirs); signs in")
    public Uni<Response> accept(@Valid @NotNull Acceptance request, @Context UriInfo uri,
            @Context RoutingContext routing) {
        return people.accept(request.token(), request.name(), request.password(), SessionResource.clientAddress(
                routing)).map(session -> Response.noContent().cookie(SessionCookie.issue(session, uri)).build());
    }
}
