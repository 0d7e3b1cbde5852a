package dev.flywheel.service.auth;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * transaction, and every service and gateway replica LISTENs, so no replica honours a revoked key for longer than a
 * notification takes (ADR 0008). The same channel tells of changed projects (their limits and origins travel with
 * cached keys). Notifications sent while a replica's listening connection is down are lost, so it says whether it is
 * {@link #listening()}, and each (re)connection tells its listeners to forget every key they remember.
 */
@ApplicationScoped
public class KeyRevocations {

    /** The PostgreSQL NOTIFY channel of key revocations; the payload is {@link #payload(String)}. */
    public static final String CHANNEL = "flywheel_key_revocations";

    private static final Logger LOG = Logger.getLogger(KeyRevocations.class);
    private static final String KEY = "key";
    private static final String PROJECT = "project";
    /**
     * How long a revoked key's id is remembered: longer than any cache anywhere keeps a resolution, so an answer that
     * was cached before the revocation and read after it is still recognised (revocation is final).
     */
    private static final Duration REMEMBER_REVOKED = Duration.ofMinutes(10);
    /** Forgetting everything now and then costs one lookup per key, and bounds any notification missed unnoticed. */
    private static final Duration FORGET_ALL_EVERY = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final DataSourceAddress database;
    private final List<Consumer<String>> revoked = new CopyOnWriteArrayList<>();
    private final List<Runnable> reset = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> projectChanged = new CopyOnWriteArrayList<>();
    /** Revoked key ids heard, with when (System.nanoTime). */
    private final Map<String, Long> revokedAt = new ConcurrentHashMap<>();
    private PgChangeListener listener;

    public KeyRevocations(Vertx vertx, DataSourceAddress database) {
        this.vertx = vertx;
        this.database = database;
    }

    /** The notification payload that revokes one key. */
    public static String payload(String keyId) {
        return KEY + "/" + keyId;
    }

    /** The notification payload that says a project's settings changed. */
    public static String projectPayload(String projectId) {
        return PROJECT + "/" + projectId;
    }

    void start(@Observes StartupEvent ignored) {
        listener = PgChangeListener.listen(vertx, database, CHANNEL, this::heard, () -> {
            forgetOldRevocations();
            reset.forEach(Runnable::run);
        }, FORGET_ALL_EVERY);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (listener != null) {
            listener.stop();
        }
    }

    private void heard(String payload) {
        int slash = payload.indexOf('/');
        if (slash <= 0 || slash == payload.length() - 1) {
            return;
        }
        String kind = payload.substring(0, slash);
        String id = payload.substring(slash + 1);
        if (kind.equals(KEY)) {
            LOG.debugf("Key %s revoked", id);
            revokedAt.put(id, System.nanoTime());
            revoked.forEach(consumer -> consumer.accept(id));
        } else if (kind.equals(PROJECT)) {
            projectChanged.forEach(consumer -> consumer.accept(id));
        }
    }

    private void forgetOldRevocations() {
        long now = System.nanoTime();
        revokedAt.values().removeIf(at -> now - at > REMEMBER_REVOKED.toNanos());
    }

    /** Whether this key was revoked recently: an answer about it that says otherwise is stale. */
    public boolean revoked(String keyId) {
        return revokedAt.containsKey(keyId);
    }

    /** Whether revocations reach this replica now; while they do not, remembered keys must not be trusted long. */
    public boolean listening() {
        return listener != null && listener.listening();
    }

    /** Called with the id of each revoked key. */
    public void onRevoked(Consumer<String> keyId) {
        revoked.add(keyId);
    }

    /** Called with the id of each project whose settings changed. */
    public void onProjectChanged(Consumer<String> projectId) {
        projectChanged.add(projectId);
    }

    /** Called when revocations may have been missed: forget every key. */
    public void onReset(Runnable forgetAll) {
        reset.add(forgetAll);
    }
}
