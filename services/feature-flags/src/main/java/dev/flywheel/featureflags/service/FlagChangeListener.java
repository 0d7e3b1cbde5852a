package dev.flywheel.featureflags.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.flywheel.featureflags.config.FlagsConfig;
import dev.flywheel.featureflags.repository.FlagChangeChannel;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Listens on the PostgreSQL channel every flag change notifies, so each replica replaces its snapshot within
 * milliseconds of a commit. After a reconnect (notifications may have been missed) and periodically, every cached
 * environment is reloaded.
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
    private PgSubscriber subscriber;

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
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""))
                .setUser(user).setPassword(password);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 500L);
        subscriber.channel(FlagChangeChannel.CHANNEL)
                .handler(this::changed)
                .subscribeHandler(() -> snapshots.refreshAll().subscribe().with(done -> {
                }));
        subscriber.connect().onFailure().retry().withBackOff(java.time.Duration.ofMillis(500)).indefinitely()
                .subscribe().with(
                        done -> LOG.debugf("Listening for flag changes on %s", FlagChangeChannel.CHANNEL),
                        failure -> LOG.warnf("Could not listen for flag changes yet (%s); retrying",
                                failure.toString()));
        vertx.setPeriodic(config.resyncInterval().toMillis(),
                id -> snapshots.refreshAll().subscribe().with(done -> {
                }));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    private void changed(String payload) {
        int slash = payload.indexOf('/');
        if (slash <= 0) {
            return;
        }
        snapshots.refresh(payload.substring(0, slash), payload.substring(slash + 1)).subscribe().with(
                done -> {
                }, failure -> LOG.warnf("Could not reload flags of %s: %s", payload, failure.toString()));
    }
}
