package dev.flywheel.gateway.tenancy.store;

import static dev.flywheel.gateway.sql.SqlValues.firstRow;
import static dev.flywheel.gateway.sql.SqlValues.instant;
import static dev.flywheel.gateway.sql.SqlValues.utc;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.sql.SqlValues;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** Organisations, projects and their environments (gateway schema, V1 migration). */
@ApplicationScoped
public class TenancyStore {

    public record OrganisationRow(UUID id, String name, Instant createdAt) {
    }

    public record ProjectRow(UUID id, UUID organisationId, String name, List<String> corsOrigins,
            int rateLimitPerSecond, int rateLimitBurst, Instant createdAt) {
    }

    public record EnvironmentRow(UUID id, UUID projectId, String name, Instant createdAt) {
    }

    /** A project with its environments, oldest first. */
    public record ProjectWithEnvironments(ProjectRow project, List<EnvironmentRow> environments) {
    }

    public enum ProjectUpdate {
        UPDATED, NO_SUCH_PROJECT, NAME_TAKEN
    }

    private static final String PROJECTS_WITH_ENVIRONMENTS = "SELECT p.id, p.organisation_id, p.name,"
            + " p.cors_origins, p.rate_limit_per_second, p.rate_limit_burst, p.created_at,"
            + " e.id AS environment_id, e.name AS environment_name, e.created_at AS environment_created_at"
            + " FROM gateway.project p LEFT JOIN gateway.environment e ON e.project_id = p.id";
    private static final String BY_NAME_THEN_AGE = " ORDER BY p.name, p.id, e.created_at, e.name";

    private final Pool pool;

    public TenancyStore(Pool pool) {
        this.pool = pool;
    }

    // --- organisations ---

    /** The new organisation, or null when one has that name. */
    public Uni<OrganisationRow> insertOrganisation(String name) {
        return pool.preparedQuery("INSERT INTO gateway.organisation (id, name, created_at) VALUES ($1, $2, now())"
                + " ON CONFLICT DO NOTHING RETURNING id, name, created_at")
                .execute(Tuple.of(UUID.randomUUID(), name))
                .map(rows -> {
                    Row row = firstRow(rows);
                    return row == null ? null : organisation(row);
                });
    }

    public Uni<List<OrganisationRow>> listOrganisations() {
        return pool.query("SELECT id, name, created_at FROM gateway.organisation ORDER BY name").execute()
                .map(rows -> {
                    List<OrganisationRow> organisations = new ArrayList<>();
                    rows.forEach(row -> organisations.add(organisation(row)));
                    return organisations;
                });
    }

    public Uni<Boolean> organisationExists(UUID id) {
        return exists("SELECT EXISTS (SELECT 1 FROM gateway.organisation WHERE id = $1)", Tuple.of(id));
    }

    // --- projects ---

    /**
     * Creates the project and its environments in one transaction; null when its organisation has a project of that
     * name. The environments keep the order given.
     */
    public Uni<ProjectWithEnvironments> insertProject(UUID organisationId, String name, List<String> corsOrigins,
            int rateLimitPerSecond, int rateLimitBurst, List<String> environmentNames) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ProjectRow project = new ProjectRow(UUID.randomUUID(), organisationId, name, List.copyOf(corsOrigins),
                rateLimitPerSecond, rateLimitBurst, now);
        List<EnvironmentRow> environments = new ArrayList<>();
        for (int i = 0; i < environmentNames.size(); i++) {
            // one microsecond apart: listings order environments by age, so they come back in the order given
            environments.add(new EnvironmentRow(UUID.randomUUID(), project.id(), environmentNames.get(i),
                    now.plus(i, ChronoUnit.MICROS)));
        }
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO gateway.project (id, organisation_id, name,"
                + " cors_origins, rate_limit_per_second, rate_limit_burst, created_at)"
                + " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING")
                .execute(Tuple.from(List.of(project.id(), organisationId, name, corsOriginList(corsOrigins),
                        rateLimitPerSecond, rateLimitBurst, utc(now))))
                .flatMap(inserted -> inserted.rowCount() == 0
                        ? Uni.createFrom().<ProjectWithEnvironments>nullItem()
                        : tx.preparedQuery("INSERT INTO gateway.environment (id, project_id, name, created_at)"
                                + " VALUES ($1, $2, $3, $4)")
                                .executeBatch(environments.stream().map(env -> Tuple.of(env.id(), env.projectId(),
                                        env.name(), utc(env.createdAt()))).toList())
                                .replaceWith(new ProjectWithEnvironments(project, List.copyOf(environments)))));
    }

    /** Every project, or an organisation's, by name. */
    public Uni<List<ProjectWithEnvironments>> listProjects(UUID organisationId) {
        return organisationId == null
                ? projects("", Tuple.tuple())
                : projects(" WHERE p.organisation_id = $1", Tuple.of(organisationId));
    }

    /** These projects (those that exist), by name. */
    public Uni<List<ProjectWithEnvironments>> findProjects(Collection<UUID> projectIds) {
        return projectIds.isEmpty()
                ? Uni.createFrom().item(List.of())
                : projects(" WHERE p.id = ANY($1)", Tuple.of(projectIds.toArray(UUID[]::new)));
    }

    /** The project with its environments, or null when there is none with this id. */
    public Uni<ProjectWithEnvironments> findProject(UUID projectId) {
        return projects(" WHERE p.id = $1", Tuple.of(projectId))
                .map(found -> found.isEmpty() ? null : found.get(0));
    }

    public Uni<Boolean> projectExists(UUID id) {
        return exists("SELECT EXISTS (SELECT 1 FROM gateway.project WHERE id = $1)", Tuple.of(id));
    }

    /** Changes what is not null and keeps the rest. */
    public Uni<ProjectUpdate> updateProject(UUID projectId, String name, List<String> corsOrigins,
            Integer rateLimitPerSecond, Integer rateLimitBurst) {
        return pool.preparedQuery("UPDATE gateway.project SET name = coalesce($2, name),"
                + " cors_origins = coalesce($3, cors_origins),"
                + " rate_limit_per_second = coalesce($4::integer, rate_limit_per_second),"
                + " rate_limit_burst = coalesce($5::integer, rate_limit_burst) WHERE id = $1")
                .execute(Tuple.from(Arrays.asList(projectId, name,
                        corsOrigins == null ? null : corsOriginList(corsOrigins), rateLimitPerSecond,
                        rateLimitBurst)))
                .map(updated -> updated.rowCount() == 0 ? ProjectUpdate.NO_SUCH_PROJECT : ProjectUpdate.UPDATED)
                .onFailure(SqlValues::uniqueViolation).recoverWithItem(ProjectUpdate.NAME_TAKEN);
    }

    // --- environments ---

    /** The new environment, or null when the project has one of that name. */
    public Uni<EnvironmentRow> insertEnvironment(UUID projectId, String name) {
        return pool.preparedQuery("INSERT INTO gateway.environment (id, project_id, name, created_at)"
                + " VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING RETURNING id, project_id, name, created_at")
                .execute(Tuple.of(UUID.randomUUID(), projectId, name))
                .map(rows -> {
                    Row row = firstRow(rows);
                    return row == null ? null : environment(row);
                });
    }

    /** The project's environment of that name, or null. */
    public Uni<EnvironmentRow> findEnvironment(UUID projectId, String name) {
        return pool.preparedQuery("SELECT id, project_id, name, created_at FROM gateway.environment"
                + " WHERE project_id = $1 AND name = $2")
                .execute(Tuple.of(projectId, name))
                .map(rows -> {
                    Row row = firstRow(rows);
                    return row == null ? null : environment(row);
                });
    }

    private Uni<List<ProjectWithEnvironments>> projects(String where, Tuple arguments) {
        return pool.preparedQuery(PROJECTS_WITH_ENVIRONMENTS + where + BY_NAME_THEN_AGE).execute(arguments)
                .map(TenancyStore::projectsWithEnvironments);
    }

    private Uni<Boolean> exists(String sql, Tuple arguments) {
        return pool.preparedQuery(sql).execute(arguments).map(rows -> rows.iterator().next().getBoolean(0));
    }

    private static List<ProjectWithEnvironments> projectsWithEnvironments(RowSet<Row> rows) {
        Map<UUID, ProjectRow> projects = new LinkedHashMap<>();
        Map<UUID, List<EnvironmentRow>> environments = new LinkedHashMap<>();
        for (Row row : rows) {
            UUID id = row.getUUID("id");
            projects.computeIfAbsent(id, ignored -> new ProjectRow(id, row.getUUID("organisation_id"),
                    row.getString("name"), corsOrigins(row.getString("cors_origins")),
                    row.getInteger("rate_limit_per_second"), row.getInteger("rate_limit_burst"),
                    instant(row, "created_at")));
            List<EnvironmentRow> ofProject = environments.computeIfAbsent(id, ignored -> new ArrayList<>());
            UUID environmentId = row.getUUID("environment_id");
            if (environmentId != null) {
                ofProject.add(new EnvironmentRow(environmentId, id, row.getString("environment_name"),
                        instant(row, "environment_created_at")));
            }
        }
        return projects.values().stream()
                .map(project -> new ProjectWithEnvironments(project, List.copyOf(environments.get(project.id()))))
                .toList();
    }

    private static EnvironmentRow environment(Row row) {
        return new EnvironmentRow(row.getUUID("id"), row.getUUID("project_id"), row.getString("name"),
                instant(row, "created_at"));
    }

    private static OrganisationRow organisation(Row row) {
        return new OrganisationRow(row.getUUID("id"), row.getString("name"), instant(row, "created_at"));
    }

    /** Stored space-separated. */
    private static String corsOriginList(List<String> origins) {
        return String.join(" ", origins);
    }

    /** A project's browser origins from their stored form. */
    public static List<String> corsOrigins(String stored) {
        return stored.isBlank() ? List.of() : List.of(stored.trim().split(" +"));
    }
}
