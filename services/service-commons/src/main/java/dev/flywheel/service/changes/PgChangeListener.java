package dev.flywheel.service.changes;

import java.time.Duration;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.flywheel.service.config.DataSourceAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Listens on a PostgreSQL NOTIFY channel, so every replica learns of a committed configuration change within
 * milliseconds. Notifications sent while the connection was down are lost, so {@code resync} runs after every
 * (re)connect and periodically.
 */
public final class PgChangeListener {

    private static final Logger LOG = Logger.getLogger(PgChangeListener.class);

    private final PgSubscriber subscriber;
    private final Vertx vertx;
    private final long timer;

    private PgChangeListener(PgSubscriber subscriber, Vertx vertx, long timer) {
        this.subscriber = subscriber;
        this.vertx = vertx;
        this.timer = timer;
    }

    /**
     * @param onPayload
     *            called with each notification's payload as sent
     */
    public static PgChangeListener listen(Vertx vertx, DataSourceAddress database, String channel,
            Consumer<String> onPayload, Runnable resync, Duration resyncInterval) {
        PgConnectOptions options = PgConnectOptions
                .fromUri(database.reactiveUrl().replaceFirst("^vertx-reactive:", ""))
                .setUser(database.user()).setPassword(database.password());
        PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 500L);
        subscriber.channel(channel).handler(onPayload::accept).subscribeHandler(resync::run);
        subscriber.connect().onFailure().retry().withBackOff(Duration.ofMillis(500)).indefinitely()
                .subscribe().with(
                        done -> LOG.debugf("Listening for changes on %s", channel),
                        failure -> LOG.warnf("Could not listen on %s yet (%s); retrying", channel,
                                failure.toString()));
        long timer = vertx.setPeriodic(resyncInterval.toMillis(), id -> resync.run());
        return new PgChangeListener(subscriber, vertx, timer);
    }

    /** Whether notifications are being received now: false while the connection is down or not yet made. */
    public boolean listening() {
        return !subscriber.closed() && subscriber.getDelegate().actualConnection() != null;
    }

    public void stop() {
        vertx.cancelTimer(timer);
        subscriber.closeAndForget();
    }
}
