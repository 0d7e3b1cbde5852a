package dev.flywheel.gateway.people.rest;

import static dev.flywheel.gateway.audit.ProjectAudit.details;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.audit.ProjectAudit;
import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.caller.Role;
import dev.flywheel.gateway.people.service.PeopleService;
import dev.flywheel.gateway.people.store.PeopleStore.InvitationRow;
import dev.flywheel.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;

/** A project's members and invitations (ADR 0011); accepting an invitation is public (it holds the secret). */
@Path("/api/v1/projects/{projectId}")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "People and sessions")
@SecurityRequirement(name = "apiKey")
public class MemberResource {

    private static final String ROLES = "owner|admin|editor|viewer";
    private static final String ROLES_MESSAGE = "must be owner, admin, editor or viewer";

    private final PeopleService people;
    private final CallerContext callerContext;
    private final ProjectAudit audit;

    public MemberResource(PeopleService people, CallerContext callerContext, ProjectAudit audit) {
        this.audit = audit;
        this.people = people;
        this.callerContext = callerContext;
    }

    public record MemberView(UUID personId, String email, String name, String role, Instant joinedAt,
            boolean disabled) {
    }

    public record MemberChange(@Pattern(regexp = ROLES, message = ROLES_MESSAGE) String role, Boolean disabled) {
    }

    public record InvitationRequest(@NotBlank @Email @Size(max = 320) String email,
            @NotNull @Pattern(regexp = ROLES, message = ROLES_MESSAGE) String role) {
    }

    public record InvitationView(UUID id, UUID projectId, String projectName, String email, String role,
            String invitedBy, Instant createdAt, Instant expiresAt) {
        static InvitationView of(InvitationRow row) {
            return new InvitationView(row.id(), row.projectId(), row.projectName(), row.email(), row.role()
                    .wireName(), row.invitedBy(), row.createdAt(), row.expiresAt());
        }
    }

    /** A new invitation: its link (the path to open on this gateway) is shown only here. */
    public record IssuedInvitationView(InvitationView invitation, String token, String path) {
    }

    @GET
    @Path("/members")
    @Access(Access.Level.PROJECT_SETTINGS)
    @Operation(summary = "The project's members and their roles")
    public Uni<List<MemberView>> members(@PathParam("projectId") UUID projectId) {
        return people.members(projectId).map(rows -> rows.stream().map(row -> new MemberView(row.personId(),
                row.email(), row.name(), row.role().wireName(), row.joinedAt(), row.disabledAt() != null
                        || !row.canSignIn()))
                .toList());
    }

    @PATCH
    @Path("/members/{personId}")
    @Access(Access.Level.PROJECT_ADMIN)
    @Operation(summary = "Change a member's role, or disable (re-enable) them; owners alone give or take ownership")
    public Uni<Response> update(@PathParam("projectId") UUID projectId, @PathParam("personId") UUID personId,
            @Valid @NotNull MemberChange change) {
        if (change.role() == null && change.disabled() == null) {
            throw ApiException.invalid("role", "give a role, disabled, or both");
        }
        return audit.after(people.updateMember(callerContext.caller(), projectId, personId, Role.fromWireName(change
                .role()), change.disabled()), projectId, callerContext.caller(), "member.updated",
                done -> "person:" + personId, done -> details("role", change.role(), "disabled", change.disabled()))
                .map(done -> Response.noContent().build());
    }

    @POST
    @Path("/invitations")
    @Access(Access.Level.PROJECT_ADMIN)
    @Operation(summary = "Invite someone by email to a role; the link is in this response only")
    public Uni<Response> invite(@PathParam("projectId") UUID projectId, @Valid @NotNull InvitationRequest request) {
        return audit.after(people.invite(callerContext.caller(), projectId, request.email().strip(), Role
                .fromWireName(request.role())), projectId, callerContext.caller(), "invitation.created",
                issued -> "invitation:" + issued.invitation().id(), issued -> details("email", issued.invitation()
                        .email(), "role", request.role(), "expiresAt", issued.invitation().expiresAt()))
                .map(issued -> Response.status(Response.Status.CREATED)
                        .entity(new IssuedInvitationView(InvitationView.of(issued.invitation()), issued.token(),
                                "/console/join#" + issued.token()))
                        .build());
    }

    @GET
    @Path("/invitations")
    @Access(Access.Level.PROJECT_ADMIN)
    @Operation(summary = "The project's pending invitations")
    public Uni<List<InvitationView>> invitations(@PathParam("projectId") UUID projectId) {
        return people.invitations(projectId).map(rows -> rows.stream().map(InvitationView::of).toList());
    }

    @DELETE
    @Path("/invitations/{invitationId}")
    @Access(Access.Level.PROJECT_ADMIN)
    @Operation(summary = "Revoke a pending invitation")
    public Uni<Response> revoke(@PathParam("projectId") UUID projectId,
            @PathParam("invitationId") UUID invitationId) {
        Uni<Boolean> revoked = people.revokeInvitation(projectId, invitationId).invoke(found -> {
            if (!found) {
                throw ApiException.notFound("Invitation");
            }
        });
        return audit.after(revoked, projectId, callerContext.caller(), "invitation.revoked",
                done -> "invitation:" + invitationId, done -> details()).map(done -> Response.noContent().build());
    }
}
