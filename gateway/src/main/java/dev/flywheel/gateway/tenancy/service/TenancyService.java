package dev.flywheel.gateway.tenancy.service;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.config.GatewayConfig;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.tenancy.store.TenancyStore;
import dev.flywheel.gateway.tenancy.store.TenancyStore.EnvironmentRow;
import dev.flywheel.gateway.tenancy.store.TenancyStore.OrganisationRow;
import dev.flywheel.gateway.tenancy.store.TenancyStore.ProjectWithEnvironments;
import io.smallrye.mutiny.Uni;

/** Organisations, projects and their environments. Access checks happen at the edge, before these calls. */
@ApplicationScoped
public class TenancyService {

    /** Every new project gets these unless the request names others. */
    public static final List<String> DEFAULT_ENVIRONMENTS = List.of("development", "staging", "production");

    private final TenancyStore store;
    private final ProjectChangeHook projectChanged;
    private final GatewayConfig config;

    public TenancyService(TenancyStore store, ProjectChangeHook projectChanged, GatewayConfig config) {
        this.store = store;
        this.projectChanged = projectChanged;
        this.config = config;
    }

    /** What a project update may change; null fields stay as they are. */
    public record ProjectChanges(String name, List<String> corsOrigins, Integer rateLimitPerSecond,
            Integer rateLimitBurst) {
    }

    public Uni<OrganisationRow> createOrganisation(String name) {
        return store.insertOrganisation(name)
                .onItem().ifNull().failWith(() -> ApiException.conflict("Organisation '" + name + "' exists"));
    }

    public Uni<List<OrganisationRow>> listOrganisations() {
        return store.listOrganisations();
    }

    public Uni<ProjectWithEnvironments> createProject(UUID organisationId, String name, List<String> corsOrigins,
            Integer rateLimitPerSecond, Integer rateLimitBurst, List<String> environmentNames) {
        List<String> environments = environmentNames == null || environmentNames.isEmpty()
                ? DEFAULT_ENVIRONMENTS
                : environmentNames.stream().distinct().toList();
        return store.organisationExists(organisationId)
                .flatMap(exists -> exists
                        ? store.insertProject(organisationId, name, corsOrigins == null ? List.of() : corsOrigins,
                                rateLimitPerSecond != null ? rateLimitPerSecond : config.rateLimit().perSecond(),
                                rateLimitBurst != null ? rateLimitBurst : config.rateLimit().burst(), environments)
                                .onItem().ifNull().failWith(() -> ApiException.conflict("Project '" + name
                                        + "' exists in this organisation"))
                        : Uni.createFrom().failure(ApiException.invalid("organisationId", "no such organisation")));
    }

    public Uni<List<ProjectWithEnvironments>> listProjects(UUID organisationId) {
        return store.listProjects(organisationId);
    }

    /** These projects (those that exist) with their environments, by name: a person's, from their roles. */
    public Uni<List<ProjectWithEnvironments>> findProjects(Collection<UUID> projectIds) {
        return store.findProjects(projectIds);
    }

    /** The project with its environments, or null when there is none with this id. */
    public Uni<ProjectWithEnvironments> findProject(UUID projectId) {
        return store.findProject(projectId);
    }

    /** Applies the changes, then evicts the project's cached key resolutions, which carry its limits and origins. */
    public Uni<ProjectWithEnvironments> updateProject(UUID projectId, ProjectChanges changes) {
        return store.updateProject(projectId, changes.name(), changes.corsOrigins(), changes.rateLimitPerSecond(),
                changes.rateLimitBurst())
                .flatMap(outcome -> switch (outcome) {
                    case NO_SUCH_PROJECT -> Uni.createFrom().failure(ApiException.notFound("Project"));
                    case NAME_TAKEN -> Uni.createFrom().failure(ApiException.conflict(
                            "Project '" + changes.name() + "' exists in this organisation"));
                    case UPDATED -> projectChanged.projectChanged(projectId)
                            .flatMap(evicted -> store.findProject(projectId));
                });
    }

    public Uni<EnvironmentRow> addEnvironment(UUID projectId, String name) {
        return store.projectExists(projectId)
                .flatMap(exists -> exists
                        ? store.insertEnvironment(projectId, name).onItem().ifNull()
                                .failWith(() -> ApiException.conflict("Environment '" + name + "' exists"))
                        : Uni.createFrom().failure(ApiException.notFound("Project")));
    }
}
