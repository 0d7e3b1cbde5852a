package dev.flywheel.gateway.tenancy.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.flywheel.gateway.tenancy.store.TenancyStore.EnvironmentRow;
import dev.flywheel.gateway.tenancy.store.TenancyStore.OrganisationRow;
import dev.flywheel.gateway.tenancy.store.TenancyStore.ProjectWithEnvironments;
import dev.flywheel.service.tenancy.Environments;

/** Request and response bodies of the tenancy API, and their mapping from stored rows. */
public final class TenancyViews {

    /** An origin as browsers send it (scheme://host[:port]), or '*' for any. */
    static final String ORIGIN_PATTERN = "\\*|https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?";
    static final String ENVIRONMENT_NAME_PATTERN = Environments.NAME_PATTERN;

    private TenancyViews() {
    }

    public record CreateOrganisationRequest(@NotBlank @Size(max = 200) String name) {
    }

    public record OrganisationView(UUID id, String name, Instant createdAt) {
        static OrganisationView of(OrganisationRow organisation) {
            return new OrganisationView(organisation.id(), organisation.name(), organisation.createdAt());
        }
    }

    public record CreateProjectRequest(
            @NotNull UUID organisationId,
            @NotBlank @Size(max = 200) String name,
            @Size(max = 50) List<@NotNull @Pattern(regexp = ORIGIN_PATTERN, message = "must be an origin like https://app.example.com or *") String> corsOrigins,
            @Valid RateLimitView rateLimit,
            @Size(min = 1, max = 20) List<@NotNull @Pattern(regexp = ENVIRONMENT_NAME_PATTERN, message = "must be lower-case letters, digits and dashes") String> environments) {
    }

    public record UpdateProjectRequest(
            @Size(min = 1, max = 200) String name,
            @Size(max = 50) List<@NotNull @Pattern(regexp = ORIGIN_PATTERN, message = "must be an origin like https://app.example.com or *") String> corsOrigins,
            @Valid RateLimitView rateLimit) {
    }

    public record RateLimitView(
            @NotNull @Min(1) @Max(1_000_000) Integer perSecond,
            @NotNull @Min(1) @Max(1_000_000) Integer burst) {
    }

    public record CreateEnvironmentRequest(
            @NotNull @Pattern(regexp = ENVIRONMENT_NAME_PATTERN, message = "must be lower-case letters, digits and dashes") String name) {
    }

    public record EnvironmentView(UUID id, String name, Instant createdAt) {
        static EnvironmentView of(EnvironmentRow environment) {
            return new EnvironmentView(environment.id(), environment.name(), environment.createdAt());
        }
    }

    public record ProjectView(UUID id, UUID organisationId, String name, List<String> corsOrigins,
            RateLimitView rateLimit, List<EnvironmentView> environments, Instant createdAt) {
        static ProjectView of(ProjectWithEnvironments found) {
            var project = found.project();
            return new ProjectView(project.id(), project.organisationId(), project.name(), project.corsOrigins(),
                    new RateLimitView(project.rateLimitPerSecond(), project.rateLimitBurst()),
                    found.environments().stream().map(EnvironmentView::of).toList(), project.createdAt());
        }
    }
}
