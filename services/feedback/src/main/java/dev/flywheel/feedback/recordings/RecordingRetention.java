package dev.flywheel.feedback.recordings;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.flywheel.feedback.config.FeedbackConfig;
import dev.flywheel.proto.common.v1.Scope;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Erases recordings past their project's retention (default 30 days): bytes first, then the summary, in batches, on
 * every replica (a session two replicas pick at once is simply deleted twice).
 */
@ApplicationScoped
public class RecordingRetention {

    private static final Logger LOG = Logger.getLogger(RecordingRetention.class);
    private static final int BATCH = 200;

    private final RecordingStore store;
    private final Recordings recordings;
    private final Vertx vertx;
    private final FeedbackConfig config;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    public RecordingRetention(RecordingStore store, Recordings recordings, Vertx vertx, FeedbackConfig config) {
        this.store = store;
        this.recordings = recordings;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        long every = config.recordings().retentionInterval().toMillis();
        if (every > 0) {
            timer = vertx.setPeriodic(every, id -> {
                if (running.compareAndSet(false, true)) {
                    sweep().eventually(() -> running.set(false)).subscribe().with(erased -> {
                        if (erased > 0) {
                            LOG.infof("retention erased %d recordings", erased);
                        }
                    }, failure -> LOG.warnf(failure, "recording retention failed; retried next time"));
                }
            });
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Erases everything past retention now; how many sessions went. */
    public Uni<Integer> sweep() {
        int defaultDays = (int) Math.max(1, config.recordings().retention().toDays());
        return store.expired(defaultDays, BATCH).flatMap(expired -> {
            if (expired.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            Map<Scope, List<String>> byScope = expired.stream().collect(Collectors.groupingBy(e -> Scope
                    .newBuilder().setProjectId(e.projectId()).setEnvironment(e.environment()).build(), Collectors
                            .mapping(RecordingStore.Expired::sessionId, Collectors.toList())));
            return Multi.createFrom().iterable(byScope.entrySet())
                    .onItem().transformToUniAndConcatenate(e -> recordings.delete(e.getKey(), e.getValue()))
                    .collect().with(Collectors.summingInt(Integer::intValue))
                    .flatMap(erased -> expired.size() < BATCH
                            ? Uni.createFrom().item(erased)
                            : sweep().map(more -> erased + more));
        });
    }
}
