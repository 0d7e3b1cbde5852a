package dev.flywheel.gateway.auth.rest;

import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.caller.Caller;
import dev.flywheel.gateway.caller.CallerContext;

/** Tells a caller what its key is; the cheapest authenticated request, used by SDKs to check their setup. */
@Path("/api/v1/whoami")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Authentication")
@SecurityRequirement(name = "apiKey")
public class WhoAmIResource {

    private final CallerContext callerContext;

    public WhoAmIResource(CallerContext callerContext) {
        this.callerContext = callerContext;
    }

    public record WhoAmIView(String kind, UUID keyId, UUID organisationId, UUID projectId, String environment) {
    }

    @GET
    @Operation(summary = "Describe the presented key")
    public WhoAmIView whoami() {
        Caller caller = callerContext.caller();
        if (caller.isPlatformAdmin()) {
            return new WhoAmIView("bootstrap", null, null, null, null);
        }
        if (caller.isPerson()) {
            return new WhoAmIView("person", null, null, null, null);
        }
        var key = caller.key();
        return new WhoAmIView(key.kind().wireName(), key.keyId(), key.organisationId(), key.projectId(),
                key.environment());
    }
}
