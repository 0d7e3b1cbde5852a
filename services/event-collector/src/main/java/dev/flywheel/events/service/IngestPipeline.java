package dev.flywheel.events.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.flywheel.events.config.IngestConfig;
import dev.flywheel.events.messaging.EventPublisher;
import dev.flywheel.events.repository.IdentityLinkRepository;
import dev.flywheel.ingest.ParsedBatch;
import dev.flywheel.ingest.Rejection;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.IngestResponse;
import dev.flywheel.service.health.Dependencies;
import dev.flywheel.service.health.HealthConfig.Dependency;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;

/**
 * What happens to a parsed batch: retries are dropped, new events and dead letters go to Kafka, and only when the
 * broker acknowledged all of them is the batch remembered for dedupe and answered. Identity links are recorded
 * last; they are derived data that can be rebuilt from the topic, so their failure does not fail the batch.
 */
@ApplicationScoped
public class IngestPipeline {

    private static final Logger LOG = Logger.getLogger(IngestPipeline.class);
    private static final Duration DEDUPE_TIMEOUT = Duration.ofMillis(500);

    private final Deduplicator deduplicator;
    private final EventPublisher publisher;
    private final IdentityLinkRepository identities;
    private final IngestConfig config;
    private final MeterRegistry metrics;
    private final Counter accepted;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter skippedDedupe;
    private final Dependencies dependencies;

    public IngestPipeline(Deduplicator deduplicator, EventPublisher publisher, IdentityLinkRepository identities,
            IngestConfig config, MeterRegistry metrics, Dependencies dependencies) {
        this.dependencies = dependencies;
        this.deduplicator = deduplicator;
        this.publisher = publisher;
        this.identities = identities;
        this.config = config;
        this.metrics = metrics;
        this.accepted = metrics.counter("flywheel.ingest.events", "outcome", "accepted");
        this.duplicates = metrics.counter("flywheel.ingest.events", "outcome", "duplicate");
        this.rejected = metrics.counter("flywheel.ingest.events", "outcome", "rejected");
        this.skippedDedupe = metrics.counter("flywheel.ingest.dedupe.skipped");
    }

    public Uni<IngestResponse> ingest(ParsedBatch batch, Scope scope, EventSource source, Instant receivedAt) {
        if (dependencies.down(Dependency.KAFKA)) {
            // fail at once rather than hold the request until the producer gives up on a broker known to be gone
            return Uni.createFrom().failure(new IngestException(IngestFailure.UNAVAILABLE,
                    "Kafka is unreachable; retry shortly"));
        }
        return unseen(batch)
                .flatMap(unseen -> Uni.combine().all()
                        .unis(publisher.publish(unseen.events()),
                                publisher.deadLetter(batch.rejections(), scope, source, receivedAt))
                        .discardItems()
                        .ifNoItem().after(config.publishTimeout()).fail()
                        .onFailure().transform(e -> unavailable("Kafka", e))
                        .call(() -> dependencies.down(Dependency.REDIS)
                                ? Uni.createFrom().voidItem()
                                : deduplicator.remember(unseen).onFailure().recoverWithItem(e -> {
                                    LOG.debugf("Could not remember accepted events for dedupe: %s", e.getMessage());
                                    return null;
                                }))
                        .call(() -> identities.recordLinks(unseen.events()).onFailure().recoverWithItem(e -> {
                            metrics.counter("flywheel.ingest.identity.failures").increment();
                            LOG.warnf("Could not record identity links: %s", e.getMessage());
                            return null;
                        }))
                        .map(ignored -> answer(batch, unseen.events().size())));
    }

    /**
     * The batch's events not accepted before. With Redis down (or slow) every event counts as new: a client's retry
     * of an accepted event then reaches Kafka twice, and the event store keeps it once (its receipts are unique by
     * project and message id), so nothing waits on Redis and nothing is stored twice (ADR 0009).
     */
    private Uni<Deduplicator.Unseen> unseen(ParsedBatch batch) {
        if (dependencies.down(Dependency.REDIS)) {
            skippedDedupe.increment(batch.events().size());
            return Uni.createFrom().item(deduplicator.assumeUnseen(batch.events()));
        }
        return deduplicator.unseen(batch.events())
                .ifNoItem().after(DEDUPE_TIMEOUT).fail()
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("Dedupe store unavailable, accepting as new: %s", failure.toString());
                    skippedDedupe.increment(batch.events().size());
                    return deduplicator.assumeUnseen(batch.events());
                });
    }

    private IngestResponse answer(ParsedBatch batch, int fresh) {
        int repeated = batch.events().size() - fresh;
        accepted.increment(fresh);
        duplicates.increment(repeated);
        rejected.increment(batch.rejections().size());
        IngestResponse.Builder response = IngestResponse.newBuilder()
                .setAccepted(fresh)
                .setDuplicates(repeated)
                .setRejected(batch.rejections().size());
        for (Rejection rejection : batch.rejections()) {
            // A meter name keeps one set of tag keys in Prometheus, so reasons get their own meter.
            metrics.counter("flywheel.ingest.rejected", "reason", rejection.reason()).increment();
            response.addRejectionsBuilder().setIndex(rejection.index()).setReason(rejection.reason())
                    .setDetail(rejection.detail());
        }
        return response.build();
    }

    private static IngestException unavailable(String what, Throwable cause) {
        if (cause instanceof IngestException ingest) {
            return ingest;
        }
        String detail = cause instanceof TimeoutException
                ? what + " did not acknowledge in time"
                : what + " failed: " + cause.getMessage();
        return new IngestException(IngestFailure.UNAVAILABLE, detail, cause);
    }

    /** For callers that combine several batches (streams). */
    public static IngestResponse merge(List<IngestResponse> responses) {
        IngestResponse.Builder merged = IngestResponse.newBuilder();
        for (IngestResponse response : responses) {
            merged.setAccepted(merged.getAccepted() + response.getAccepted())
                    .setDuplicates(merged.getDuplicates() + response.getDuplicates())
                    .setRejected(merged.getRejected() + response.getRejected())
                    .addAllRejections(response.getRejectionsList());
        }
        return merged.build();
    }
}
