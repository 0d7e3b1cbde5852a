package dev.flywheel.service.auth;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.flywheel.service.changes.PgChangeListener;
import dev.flywheel.service.config.DataSourceAddress;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Revoked API keys, heard the moment a revocation commits: the gateway NOTIFYs {@link #CHANNEL} in the revoking
 * transaction, and every service replica LISTENs, so no replica honours a revoked key for longer than a notification
 * takes (ADR 0008). Notifications sent while a replica's listening connection is down are lost, so it says whether it
 * is {@link #listening()}, and each (re)connection tells its listeners to forget every key they remember.
 */
@ApplicationScoped
public class KeyRevocations {

    /** The PostgreSQL NOTIFY channel of key revocations; the payload is {@link #payload(String)}. */
    public static final String CHANNEL = "flywheel_key_revocations";

    private static final Logger LOG = Logger.getLogger(KeyRevocations.class);
    private static final String KEY = "key";
    /** Forgetting everything now and then costs one lookup per key, and bounds any notification missed unnoticed. */
    private static final Duration FORGET_ALL_EVERY = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final DataSourceAddress database;
    private final List<Consumer<String>> revoked = new CopyOnWriteArrayList<>();
    private final List<Runnable> reset = new CopyOnWriteArrayList<>();
    private PgChangeListener listener;

    public KeyRevocations(Vertx vertx, DataSourceAddress database) {
        this.vertx = vertx;
        this.database = database;
    }

    /** The notification payload that revokes one key. */
    public static String payload(String keyId) {
        return KEY + "/" + keyId;
    }

    void start(@Observes StartupEvent ignored) {
        listener = PgChangeListener.listen(vertx, database, CHANNEL, payload -> {
            if (payload.startsWith(KEY + "/") && payload.length() > KEY.length() + 1) {
                String keyId = payload.substring(KEY.length() + 1);
                LOG.debugf("Key %s revoked", keyId);
                revoked.forEach(consumer -> consumer.accept(keyId));
            }
        }, () -> reset.forEach(Runnable::run), FORGET_ALL_EVERY);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (listener != null) {
            listener.stop();
        }
    }

    /** Whether revocations reach this replica now; while they do not, remembered keys must not be trusted long. */
    public boolean listening() {
        return listener != null && listener.listening();
    }

    /** Called with the id of each revoked key. */
    public void onRevoked(Consumer<String> keyId) {
        revoked.add(keyId);
    }

    /** Called when revocations may have been missed: forget every key. */
    public void onReset(Runnable forgetAll) {
        reset.add(forgetAll);
    }
}
