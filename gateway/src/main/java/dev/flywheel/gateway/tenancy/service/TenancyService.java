package dev.flywheel.gateway.tenancy.service;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.config.GatewayConfig;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.tenancy.repository.EnvironmentEntity;
import dev.flywheel.gateway.tenancy.repository.EnvironmentRepository;
import dev.flywheel.gateway.tenancy.repository.OrganisationEntity;
import dev.flywheel.gateway.tenancy.repository.OrganisationRepository;
import dev.flywheel.gateway.tenancy.repository.ProjectEntity;
import dev.flywheel.gateway.tenancy.repository.ProjectRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Organisations, projects and their environments. Access checks happen at the edge, before these calls. */
@ApplicationScoped
public class TenancyService {

    /** Every new project gets these unless the request names others. */
    public static final List<String> DEFAULT_ENVIRONMENTS = List.of("development", "staging", "production");

    private final OrganisationRepository organisations;
    private final ProjectRepository projects;
    private final EnvironmentRepository environments;
    private final ProjectChangeHook projectChanged;
    private final GatewayConfig config;

    public TenancyService(OrganisationRepository organisations, ProjectRepository projects,
            EnvironmentRepository environments, ProjectChangeHook projectChanged,
            GatewayConfig config) {
        this.organisations = organisations;
        this.projects = projects;
        this.environments = environments;
        this.projectChanged = projectChanged;
        this.config = config;
    }

    /** A project with its environments, as the API shows it. */
    public record ProjectWithEnvironments(ProjectEntity project, List<EnvironmentEntity> environments) {
    }

    /** What a project update may change; null fields stay as they are. */
    public record ProjectChanges(String name, List<String> corsOrigins, Integer rateLimitPerSecond,
            Integer rateLimitBurst) {

        void applyTo(ProjectEntity project) {
            if (name != null) {
                project.name = name;
            }
            if (corsOrigins != null) {
                project.corsOrigins(corsOrigins);
            }
            if (rateLimitPerSecond != null) {
                project.rateLimitPerSecond = rateLimitPerSecond;
            }
            if (rateLimitBurst != null) {
                project.rateLimitBurst = rateLimitBurst;
            }
        }
    }

    @WithTransaction
    public Uni<OrganisationEntity> createOrganisation(String name) {
        return organisations.findByName(name).flatMap(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(ApiException.conflict("Organisation '" + name + "' exists"));
            }
            OrganisationEntity organisation = new OrganisationEntity();
            organisation.id = UUID.randomUUID();
            organisation.name = name;
            organisation.createdAt = Instant.now();
            return organisations.persist(organisation);
        });
    }

    public Uni<List<OrganisationEntity>> listOrganisations() {
        return organisations.listByName();
    }

    @WithTransaction
    public Uni<ProjectWithEnvironments> createProject(UUID organisationId, String name, List<String> corsOrigins,
            Integer rateLimitPerSecond, Integer rateLimitBurst, List<String> environmentNames) {
        return organisations.findById(organisationId)
                .onItem().ifNull().failWith(() -> ApiException.invalid("organisationId", "no such organisation"))
                .flatMap(organisation -> projects.findByName(organisationId, name))
                .flatMap(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().failure(ApiException.conflict("Project '" + name
                                + "' exists in this organisation"));
                    }
                    ProjectEntity project = new ProjectEntity();
                    project.id = UUID.randomUUID();
                    project.organisationId = organisationId;
                    project.name = name;
                    project.corsOrigins(corsOrigins == null ? List.of() : corsOrigins);
                    project.rateLimitPerSecond = rateLimitPerSecond != null
                            ? rateLimitPerSecond
                            : config.rateLimit().perSecond();
                    project.rateLimitBurst = rateLimitBurst != null ? rateLimitBurst : config.rateLimit().burst();
                    project.createdAt = Instant.now();
                    List<String> names = environmentNames == null || environmentNames.isEmpty()
                            ? DEFAULT_ENVIRONMENTS
                            : environmentNames.stream().distinct().toList();
                    List<EnvironmentEntity> created = names.stream()
                            .map(envName -> newEnvironment(project.id, envName)).toList();
                    return projects.persist(project)
                            .call(() -> environments.persist(created.stream()))
                            .map(saved -> new ProjectWithEnvironments(saved, created));
                });
    }

    @WithSession
    public Uni<List<ProjectWithEnvironments>> listProjects(UUID organisationId) {
        return projects.listAll(organisationId).flatMap(this::withEnvironments);
    }

    /** These projects (those that exist) with their environments, by name: a person's, from their roles. */
    @WithSession
    public Uni<List<ProjectWithEnvironments>> findProjects(Collection<UUID> projectIds) {
        return projects.listByIds(projectIds).flatMap(this::withEnvironments);
    }

    /** The project with its environments, or null when there is none with this id. */
    @WithSession
    public Uni<ProjectWithEnvironments> findProject(UUID projectId) {
        return projects.findById(projectId).flatMap(project -> project == null
                ? Uni.createFrom().nullItem()
                : environments.listByProject(projectId).map(envs -> new ProjectWithEnvironments(project, envs)));
    }

    /** Applies the changes, then evicts the project's cached key resolutions, which carry its limits and origins. */
    public Uni<ProjectWithEnvironments> updateProject(UUID projectId, ProjectChanges changes) {
        return Panache.withTransaction(() -> projects.findById(projectId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Project"))
                .call(project -> changes.name() == null || changes.name().equals(project.name)
                        ? Uni.createFrom().voidItem()
                        : projects.findByName(project.organisationId, changes.name())
                                .onItem().ifNotNull().failWith(() -> ApiException.conflict(
                                        "Project '" + changes.name() + "' exists in this organisation")))
                .invoke(project -> changes.applyTo(project)))
                .call(project -> projectChanged.projectChanged(projectId))
                .flatMap(project -> Panache.withSession(() -> environments.listByProject(projectId))
                        .map(envs -> new ProjectWithEnvironments(project, envs)));
    }

    @WithTransaction
    public Uni<EnvironmentEntity> addEnvironment(UUID projectId, String name) {
        return projects.findById(projectId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("Project"))
                .flatMap(project -> environments.findByName(projectId, name))
                .flatMap(existing -> existing != null
                        ? Uni.createFrom().failure(ApiException.conflict("Environment '" + name + "' exists"))
                        : environments.persist(newEnvironment(projectId, name)));
    }

    private Uni<List<ProjectWithEnvironments>> withEnvironments(List<ProjectEntity> found) {
        return environments.listByProjects(found.stream().map(p -> p.id).toList()).map(envs -> {
            Map<UUID, List<EnvironmentEntity>> byProject = envs.stream()
                    .collect(Collectors.groupingBy(env -> env.projectId));
            return found.stream()
                    .map(p -> new ProjectWithEnvironments(p, byProject.getOrDefault(p.id, List.of())))
                    .toList();
        });
    }

    private static EnvironmentEntity newEnvironment(UUID projectId, String name) {
        EnvironmentEntity environment = new EnvironmentEntity();
        environment.id = UUID.randomUUID();
        environment.projectId = projectId;
        environment.name = name;
        environment.createdAt = Instant.now();
        return environment;
    }
}
