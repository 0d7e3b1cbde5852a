package dev.flywheel.gateway.caller;

import java.util.Map;
import java.util.UUID;

/**
 * A signed-in person as one request sees them: who they are, their active roles by project, and the session that
 * authenticated the request (its id's hash, to end it, and its CSRF token).
 */
public record Person(UUID id, String email, String name, Map<UUID, Role> roles, String sessionHash, String csrfToken) {

    public Role roleIn(UUID projectId) {
        return roles.get(projectId);
    }
}
