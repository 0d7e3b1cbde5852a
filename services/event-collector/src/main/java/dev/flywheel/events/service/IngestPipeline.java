package dev.flywheel.events.service;

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

    private final Deduplicator deduplicator;
    private final EventPublisher publisher;
    private final IdentityLinkRepository identities;
    private final IngestConfig config;
    private final MeterRegistry metrics;
    private final Counter accepted;
    private final Counter duplicates;
    private final Counter rejected;

    public IngestPipeline(Deduplicator deduplicator, EventPublisher publisher, IdentityLinkRepository identities,
            IngestConfig config, MeterRegistry metrics) {
        this.deduplicator = deduplicator;
        this.publisher = publisher;
        this.identities = identities;
        this.config = config;
        this.metrics = metrics;
        this.accepted = metrics.counter("flywheel.ingest.events", "outcome", "accepted");
        this.duplicates = metrics.counter("flywheel.ingest.events", "outcome", "duplicate");
        this.rejected = metrics.counter("flywheel.ingest.events", "outcome", "rejected");
    }

    public Uni<IngestResponse> ingest(ParsedBatch batch, Scope scope, EventSource source, Instant receivedAt) {
        return deduplicator.unseen(batch.events())
                .onFailure().transform(e -> unavailable("dedupe store", e))
                .flatMap(unseen -> Uni.combine().all()
                        .unis(publisher.publish(unseen.events()),
                                publisher.deadLetter(batch.rejections(), scope, source, receivedAt))
                        .discardItems()
                        .ifNoItem().after(config.publishTimeout()).fail()
                        .onFailure().transform(e -> unavailable("Kafka", e))
                        .call(() -> deduplicator.remember(unseen).onFailure().recoverWithItem(e -> {
                            LOG.warnf("Could not remember accepted events for dedupe: %s", e.getMessage());
                            return null;
                        }))
                        .call(() -> identities.recordLinks(unseen.events()).onFailure().recoverWithItem(e -> {
                            metrics.counter("flywheel.ingest.identity.failures").increment();
                            LOG.warnf("Could not record identity links: %s", e.getMessage());
                            return null;
                        }))
                        .map(ignored -> answer(batch, unseen.events().size())));
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
