package dev.flywheel.assignment.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.flywheel.assignment.exposure.ExposurePublisher;
import dev.flywheel.assignment.exposure.Exposures;
import dev.flywheel.assignment.service.UserStateStore.Document;
import dev.flywheel.assignment.service.UserStateStore.Exposure;
import dev.flywheel.assignment.service.UserStateStore.UserState;
import dev.flywheel.experiments.Assigner;
import dev.flywheel.experiments.Assignment;
import dev.flywheel.experiments.Experiment;
import dev.flywheel.experiments.ExperimentDefinition;
import dev.flywheel.experiments.Holdout;
import dev.flywheel.experiments.StickyBuckets;
import dev.flywheel.experiments.UserContext;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.ExposureProperties;
import dev.flywheel.service.health.Dependencies;
import dev.flywheel.service.health.HealthConfig.Dependency;
import io.smallrye.mutiny.Uni;

/**
 * Assigns one user to experiments of one environment: one Redis round trip reads the user's sticky buckets and which
 * exposures were already sent, the engine decides, new sticky assignments are stored before answering, and first
 * exposures go to Kafka; sticky writes and exposure claims share the second round trip. An exposure is claimed in
 * Redis before it is sent (so concurrent requests send it once)
 * and remembered once Kafka acknowledged it; one that failed, or whose replica died, is sent again on the user's next
 * assignment. The answer does not wait for Kafka.
 * <p>
 * With Redis down (or slow) users are assigned by the hash alone: no sticky bucket is read or written (new ones are
 * written on the user's first assignment after Redis returns), and first exposures are sent unclaimed on every
 * assignment; their message ids are the exposure's identity, so the event store keeps each once (ADR 0009).
 */
@ApplicationScoped
public class AssignmentService {

    private static final Logger LOG = Logger.getLogger(AssignmentService.class);

    private static final Duration STATE_TIMEOUT = Duration.ofMillis(500);

    private final UserStateStore state;
    private final ExposurePublisher publisher;
    private final Dependencies dependencies;

    public AssignmentService(UserStateStore state, ExposurePublisher publisher, Dependencies dependencies) {
        this.state = state;
        this.publisher = publisher;
        this.dependencies = dependencies;
    }

    /**
     * @param recordExposures
     *            false when the caller records them later, when the user sees the variation
     *            ({@link #recordExposures})
     */
    public Uni<List<Assignment>> assign(Scope scope, List<Experiment> experiments, Holdout holdout,
            Map<String, Object> attributes, String url, boolean recordExposures) {
        return assign(scope, experiments, holdout, attributes, url, recordExposures, true);
    }

    /** What {@link #assign} would answer now (sticky buckets read), writing nothing and recording no exposure. */
    public Uni<List<Assignment>> preview(Scope scope, List<Experiment> experiments, Holdout holdout,
            Map<String, Object> attributes, String url) {
        return assign(scope, experiments, holdout, attributes, url, false, false);
    }

    private Uni<List<Assignment>> assign(Scope scope, List<Experiment> experiments, Holdout holdout,
            Map<String, Object> attributes, String url, boolean recordExposures, boolean write) {
        UserContext user = new UserContext(attributes, url, Instant.now());
        long now = user.now().toEpochMilli();
        Set<Document> documents = new LinkedHashSet<>();
        List<Exposure> places = new ArrayList<>(experiments.size());
        for (Experiment experiment : experiments) {
            ExperimentDefinition def = experiment.definition();
            if (def.stickyBucketing()) {
                addDocument(documents, def.hashAttribute(), user);
                if (def.fallbackAttribute() != null) {
                    addDocument(documents, def.fallbackAttribute(), user);
                }
            }
            Assigner.HashIdentity id = Assigner.hashIdentity(def, user);
            Document identity = new Document(id.attribute(), id.value());
            if (!id.value().isEmpty()) {
                documents.add(identity);
            }
            places.add(new Exposure(identity, StickyBuckets.field(def.key(), def.bucketVersion())));
        }
        return load(scope, List.copyOf(documents)).flatMap(stored -> {
            UserState loaded = stored.orElse(NOTHING_STORED);
            StickyBuckets sticky = (attribute, value) -> loaded.fields(new Document(attribute, value));
            List<Assignment> answers = new ArrayList<>(experiments.size());
            List<Assignment.StickyWrite> writes = new ArrayList<>();
            List<Exposure> exposures = new ArrayList<>();
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < experiments.size(); i++) {
                Experiment experiment = experiments.get(i);
                Assignment answer = Assigner.assign(experiment, user, sticky, holdout);
                answers.add(answer);
                if (answer.stickyWrite() != null) {
                    writes.add(answer.stickyWrite());
                }
                Exposure place = places.get(i);
                if (recordExposures && answer.exposure() && !loaded.exposed(place, now)) {
                    exposures.add(place);
                    events.add(Exposures.event(scope, Exposures.properties(answer,
                            experiment.definition().bucketVersion(), experiment.definition().weights()),
                            user.now()));
                }
            }
            return write
                    ? store(scope, stored.isPresent(), writes, exposures, events, now).replaceWith(answers)
                    : Uni.createFrom().item(answers);
        });
    }

    /**
     * Records exposures the user was shown (from exposure tokens), each once: the first time it is recorded, or
     * sent on assignment, wins.
     */
    public Uni<Void> recordExposures(Scope scope, List<ExposureProperties> shown) {
        Instant at = Instant.now();
        long now = at.toEpochMilli();
        List<Exposure> places = shown.stream().map(e -> new Exposure(new Document(e.getHashAttribute(),
                e.getHashValue()), StickyBuckets.field(e.getExperimentKey(), e.getBucketVersion()))).toList();
        List<Document> documents = places.stream().map(Exposure::document).distinct().toList();
        return load(scope, documents).flatMap(stored -> {
            UserState loaded = stored.orElse(NOTHING_STORED);
            List<Exposure> exposures = new ArrayList<>();
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < shown.size(); i++) {
                if (!loaded.exposed(places.get(i), now) && !exposures.contains(places.get(i))) {
                    exposures.add(places.get(i));
                    events.add(Exposures.event(scope, shown.get(i), at));
                }
            }
            return store(scope, stored.isPresent(), List.of(), exposures, events, now);
        });
    }

    /**
     * Stores new sticky assignments and claims and sends first exposures; with Redis unavailable, sends the
     * exposures unclaimed (the event store keeps each once by its message id).
     */
    private Uni<Void> store(Scope scope, boolean stateAvailable, List<Assignment.StickyWrite> writes,
            List<Exposure> exposures, List<Event> events, long now) {
        if (!stateAvailable) {
            sendUnclaimed(events);
            return Uni.createFrom().voidItem();
        }
        return state.write(scope.getProjectId(), scope.getEnvironment(), writes, exposures, now)
                .ifNoItem().after(STATE_TIMEOUT).fail()
                .invoke(claimed -> send(scope, events, exposures, claimed))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.debugf("Sticky buckets not stored (Redis unavailable): %s", failure.toString());
                    sendUnclaimed(events);
                    return Uni.createFrom().voidItem();
                });
    }

    private static final UserState NOTHING_STORED = new UserState(Map.of());

    /** The user's stored state, or nothing when Redis is known to be down or does not answer in time. */
    private Uni<Optional<UserState>> load(Scope scope, List<Document> documents) {
        if (dependencies.down(Dependency.REDIS)) {
            return Uni.createFrom().item(Optional.empty());
        }
        return state.load(scope.getProjectId(), scope.getEnvironment(), documents)
                .ifNoItem().after(STATE_TIMEOUT).fail()
                .map(Optional::of)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("Assigning by hash alone (Redis unavailable): %s", failure.toString());
                    return Optional.empty();
                });
    }

    /** Exposures sent without a claim: at least once, and stored once thanks to their message ids. */
    private void sendUnclaimed(List<Event> events) {
        if (!events.isEmpty()) {
            publisher.publish(events).whenComplete((ok, failure) -> {
                if (failure != null) {
                    LOG.debugf("%d unclaimed exposures not acknowledged by Kafka: %s", events.size(),
                            failure.toString());
                }
            });
        }
    }

    /** Sends the exposures this request claimed; the answer does not wait for Kafka. */
    private void send(Scope scope, List<Event> events, List<Exposure> exposures, List<Boolean> claimed) {
        List<Event> toSend = new ArrayList<>();
        List<Exposure> sending = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (claimed.get(i)) {
                toSend.add(events.get(i));
                sending.add(exposures.get(i));
            }
        }
        if (toSend.isEmpty()) {
            return;
        }
        String project = scope.getProjectId();
        String environment = scope.getEnvironment();
        publisher.publish(toSend).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warnf("%d exposures not acknowledged by Kafka (sent again on the users' next assignment): %s",
                        toSend.size(), failure.toString());
                state.releaseExposures(project, environment, sending).subscribe().with(done -> {
                }, error -> LOG.warnf("Could not release %d exposure claims: %s", sending.size(), error.toString()));
                return;
            }
            state.markExposed(project, environment, sending).subscribe().with(done -> {
            }, error -> LOG.warnf("Could not mark %d exposures sent: %s", sending.size(), error.toString()));
        });
    }

    private static void addDocument(Set<Document> documents, String attribute, UserContext user) {
        String value = user.stringAttribute(attribute);
        if (!value.isEmpty()) {
            documents.add(new Document(attribute, value));
        }
    }
}
