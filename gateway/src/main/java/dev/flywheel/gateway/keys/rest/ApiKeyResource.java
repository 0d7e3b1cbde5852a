package dev.flywheel.gateway.keys.rest;

import static dev.flywheel.gateway.audit.ProjectAudit.details;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import dev.flywheel.gateway.caller.KeyKind;
import dev.flywheel.gateway.keys.service.ApiKeyService;
import dev.flywheel.gateway.keys.store.ApiKeyStore.ApiKeyRow;
import dev.flywheel.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/projects/{projectId}/keys")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys")
@SecurityRequirement(name = "apiKey")
@Access(Access.Level.PROJECT_ADMIN)
public class ApiKeyResource {

    private final ApiKeyService keys;
    private final CallerContext callerContext;
    private final ProjectAudit audit;

    public ApiKeyResource(ApiKeyService keys, CallerContext callerContext, ProjectAudit audit) {
        this.audit = audit;
        this.keys = keys;
        this.callerContext = callerContext;
    }

    public record CreateKeyRequest(
            @NotNull @Pattern(regexp = "client|server|admin", message = "must be client, server or admin") String kind,
            @Size(max = 64) String environment,
            @Size(max = 200) String name,
            Instant expiresAt) {
    }

    /** A key as listed: never its secret. */
    public record KeyView(UUID id, String kind, String environment, String name, String displayPrefix,
            Instant createdAt, Instant expiresAt, Instant revokedAt) {
        static KeyView of(ApiKeyRow key) {
            return new KeyView(key.id(), key.kind(), key.environment(), key.name(), key.displayPrefix(),
                    key.createdAt(), key.expiresAt(), key.revokedAt());
        }
    }

    /** The response to a creation: the only time the secret is shown. */
    public record CreatedKeyView(UUID id, String kind, String environment, String name, String displayPrefix,
            Instant createdAt, Instant expiresAt, String key) {
    }

    @POST
    @Operation(summary = "Issue a key; its secret is in this response only")
    public Uni<Response> create(@PathParam("projectId") UUID projectId, @Valid @NotNull CreateKeyRequest request) {
        callerContext.caller().requireAdminOf(projectId);
        return audit.after(keys.issue(projectId, KeyKind.fromWireName(request.kind()), request.environment(),
                request.name(), request.expiresAt()), projectId, callerContext.caller(), "key.issued",
                issued -> "key:" + issued.key().id(), issued -> details("kind", issued.key().kind(), "environment",
                        issued.key().environment(), "name", issued.key().name(), "displayPrefix",
                        issued.key().displayPrefix(), "expiresAt", issued.key().expiresAt()))
                .map(issued -> Response.status(Response.Status.CREATED)
                        .entity(new CreatedKeyView(issued.key().id(), issued.key().kind(), issued.key().environment(),
                                issued.key().name(), issued.key().displayPrefix(), issued.key().createdAt(),
                                issued.key().expiresAt(), issued.secret()))
                        .build());
    }

    @GET
    @Operation(summary = "List a project's keys (without secrets)")
    public Uni<List<KeyView>> list(@PathParam("projectId") UUID projectId) {
        callerContext.caller().requireAdminOf(projectId);
        return keys.list(projectId)
                .map(found -> found.stream().map(KeyView::of).toList());
    }

    @DELETE
    @Path("/{keyId}")
    @Operation(summary = "Revoke a key; it stops working at once")
    public Uni<Response> revoke(@PathParam("projectId") UUID projectId, @PathParam("keyId") UUID keyId) {
        callerContext.caller().requireAdminOf(projectId);
        return audit.after(keys.revoke(projectId, keyId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Key")), projectId, callerContext.caller(),
                "key.revoked", revoked -> "key:" + keyId, revoked -> details("name", revoked.name(),
                        "displayPrefix", revoked.displayPrefix()))
                .map(revoked -> Response.noContent().build());
    }
}
