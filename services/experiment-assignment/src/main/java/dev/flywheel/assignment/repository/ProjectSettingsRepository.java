package dev.flywheel.assignment.repository;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ProjectSettingsRepository implements PanacheRepositoryBase<ProjectSettingsEntity, String> {
}
