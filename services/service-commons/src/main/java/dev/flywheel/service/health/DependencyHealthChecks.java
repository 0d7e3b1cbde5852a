package dev.flywheel.service.health;

import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.flywheel.service.health.HealthConfig.Dependency;
import io.smallrye.health.api.HealthGroup;

/**
 * Health from the background probes, so every answer is immediate: readiness counts only the dependencies the app
 * cannot serve anything without ({@code flywheel.health.required}); the "dependencies" group reports every one, for
 * operators. Liveness never depends on a dependency: a restart does not bring PostgreSQL back.
 */
@ApplicationScoped
public class DependencyHealthChecks {

    private final Dependencies dependencies;
    private final Set<Dependency> required;

    public DependencyHealthChecks(Dependencies dependencies, HealthConfig config) {
        this.dependencies = dependencies;
        this.required = config.required().orElse(Set.of());
    }

    @Produces
    @Readiness
    @ApplicationScoped
    HealthCheck required() {
        return () -> report("required dependencies", required);
    }

    @Produces
    @HealthGroup("dependencies")
    @ApplicationScoped
    HealthCheck all() {
        return () -> report("dependencies", dependencies.states().keySet());
    }

    private HealthCheckResponse report(String name, Set<Dependency> which) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(name).up();
        Map<Dependency, Dependencies.State> states = dependencies.states();
        for (Dependency dependency : which) {
            Dependencies.State state = states.get(dependency);
            if (state == null) {
                continue;
            }
            response.withData(dependency.name().toLowerCase(), (state.up() ? "up" : "down: " + state.detail())
                    + " since " + state.since());
            if (!state.up()) {
                response.down();
            }
        }
        return response.build();
    }
}
