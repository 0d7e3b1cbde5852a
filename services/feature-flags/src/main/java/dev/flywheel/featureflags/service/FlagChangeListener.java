package dev.flywheel.featureflags.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.flywheel.featureflags.config.FlagsConfig;
import dev.flywheel.featureflags.repository.FlagChangeChannel;
import dev.flywheel.service.changes.PgChangeListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Reloads an environment's snapshot when a flag change is notified on PostgreSQL, so each replica is current within
 * milliseconds of a commit; after a reconnect and periodically, every cached environment is checked.
 */
@ApplicationScoped
public class FlagChangeListener {

    private static final Logger LOG = Logger.getLogger(FlagChangeListener.class);

    private final Vertx vertx;
    private final FlagSnapshots snapshots;
    private final FlagsConfig config;
    private final String url;
    private final String user;
    private final String password;
    private PgChangeListener listener;

    public FlagChangeListener(Vertx vertx, FlagSnapshots snapshots, FlagsConfig config,
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
        listener = PgChangeListener.start(vertx, url, user, password, FlagChangeChannel.CHANNEL, this::changed,
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
        }, failure -> LOG.warnf("Could not reload the flags of %s/%s: %s", projectId, environment,
                failure.toString()));
    }
}
