package dev.flywheel.assignment.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.flywheel.assignment.config.AssignmentConfig;
import dev.flywheel.assignment.repository.ExperimentChangeChannel;
import dev.flywheel.service.changes.PgChangeListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/** Reloads snapshots when experiments or project settings change on any replica. */
@ApplicationScoped
public class ExperimentChangeListener {

    private static final Logger LOG = Logger.getLogger(ExperimentChangeListener.class);

    private final Vertx vertx;
    private final ExperimentSnapshots snapshots;
    private final AssignmentConfig config;
    private final String url;
    private final String user;
    private final String password;
    private PgChangeListener listener;

    public ExperimentChangeListener(Vertx vertx, ExperimentSnapshots snapshots, AssignmentConfig config,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.snapshots = snapshots;
        this.config = config;
        this.url = url;
        this.user = user;
        this.password = password.orElse("");
    }

    void start(@Observes StartupEvent ignored) {
        listener = PgChangeListener.start(vertx, url, user, password, ExperimentChangeChannel.CHANNEL, this::changed,
                () -> snapshots.refreshAll().subscribe().with(done -> {
                }), config.resyncInterval());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (listener != null) {
            listener.stop();
        }
    }

    private void changed(String projectId, String environment) {
        snapshots.refresh(projectId, environment).subscribe().with(done -> {
        }, failure -> LOG.warnf("Could not reload the experiments of %s/%s: %s", projectId, environment,
                failure.toString()));
    }
}
