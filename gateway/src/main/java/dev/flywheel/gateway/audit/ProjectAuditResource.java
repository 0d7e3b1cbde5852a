package dev.flywheel.gateway.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;

/** The project's audit trail of gateway-owned changes: keys, settings, environments, members, invitations. */
@Path("/api/v1/projects/{projectId}/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Projects")
@SecurityRequirement(name = "apiKey")
public class ProjectAuditResource {

    private final ProjectAuditStore store;

    public ProjectAuditResource(ProjectAuditStore store) {
        this.store = store;
    }

    @Schema(name = "ProjectAuditEntry")
    public record ProjectAuditView(long id, String actor, String action, String target, Map<String, Object> detail,
            Instant at) {
    }

    @GET
    @Access(Access.Level.PROJECT_ADMIN)
    @Operation(summary = "Who changed the project's keys, settings, environments and members, newest first; page "
            + "with before=<the last id seen>")
    public Uni<List<ProjectAuditView>> list(@PathParam("projectId") UUID projectId,
            @QueryParam("before") @Pattern(regexp = "[1-9][0-9]{0,17}", message = "must be an entry id") String before,
            @QueryParam("limit") @DefaultValue("50") @Pattern(regexp = "[1-9][0-9]{0,2}", message = "must be 1 to 500") String limit) {
        if (Integer.parseInt(limit) > 500) {
            throw ApiException.invalid("limit", "must be 1 to 500");
        }
        return store.page(projectId, before == null ? null : Long.valueOf(before), Integer.parseInt(limit))
                .map(entries -> entries.stream()
                        .map(e -> new ProjectAuditView(e.id(), e.actor(), e.action(), e.target(), e.detail(), e.at()))
                        .toList());
    }
}
