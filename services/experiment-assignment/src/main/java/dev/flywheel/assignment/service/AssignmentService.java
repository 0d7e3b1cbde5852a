package dev.flywheel.assignment.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.flywheel.assignment.exposure.ExposurePublisher;
import dev.flywheel.assignment.exposure.Exposures;
import dev.flywheel.experiments.Assigner;
import dev.flywheel.experiments.Assignment;
import dev.flywheel.experiments.Experiment;
import dev.flywheel.experiments.ExperimentDefinition;
import dev.flywheel.experiments.ExperimentStatus;
import dev.flywheel.experiments.Holdout;
import dev.flywheel.experiments.StickyBuckets;
import dev.flywheel.experiments.UserContext;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.assignment.service.UserStateStore.Document;
import io.smallrye.mutiny.Uni;

/**
 * Assigns one user to experiments of one environment: one Redis round trip reads the user's sticky buckets and which
 * exposures were already sent, the engine decides, new sticky assignments are stored before answering, and first
 * exposures go to Kafka. An exposure is claimed in Redis before it is sent (so concurrent requests send it once)
 * and remembered once Kafka acknowledged it; one that failed, or whose replica died, is sent again on the user's next
 * assignment. The answer does not wait for Kafka.
 */
@ApplicationScoped
public class AssignmentService {

    private static final Logger LOG = Logger.getLogger(AssignmentService.class);

    private final UserStateStore state;
    private final ExposurePublisher publisher;

    public AssignmentService(UserStateStore state, ExposurePublisher publisher) {
        this.state = state;
        this.publisher = publisher;
    }

    public Uni<List<Assignment>> assign(Scope scope, List<Experiment> experiments, Holdout holdout,
            Map<String, Object> attributes, String url) {
        UserContext user = new UserContext(attributes, url, Instant.now());
        Set<Document> documents = new LinkedHashSet<>();
        List<String> identities = new ArrayList<>(experiments.size());
        for (Experiment experiment : experiments) {
            ExperimentDefinition def = experiment.definition();
            if (def.stickyBucketing()) {
                addDocument(documents, def.hashAttribute(), user);
                if (def.fallbackAttribute() != null) {
                    addDocument(documents, def.fallbackAttribute(), user);
                }
            }
            Assigner.HashIdentity id = Assigner.hashIdentity(def, user);
            identities.add(experiment.status() != ExperimentStatus.RUNNING || id.value().isEmpty()
                    ? null
                    : Exposures.identity(scope.getProjectId(), scope.getEnvironment(), def.key(), def.bucketVersion(),
                            id.attribute(), id.value()));
        }
        List<String> toCheck = identities.stream().filter(i -> i != null).toList();
        List<Document> documentList = List.copyOf(documents);
        return state.load(scope.getProjectId(), scope.getEnvironment(), documentList, toCheck)
                .flatMap(loaded -> {
                    StickyBuckets sticky = (attribute, value) -> loaded.documents()
                            .getOrDefault(new Document(attribute, value), Map.of());
                    List<Assignment> answers = new ArrayList<>(experiments.size());
                    List<Assignment.StickyWrite> writes = new ArrayList<>();
                    List<Event> exposures = new ArrayList<>();
                    List<String> exposureIds = new ArrayList<>();
                    int checked = 0;
                    for (int i = 0; i < experiments.size(); i++) {
                        Experiment experiment = experiments.get(i);
                        Assignment answer = Assigner.assign(experiment, user, sticky, holdout);
                        answers.add(answer);
                        if (answer.stickyWrite() != null) {
                            writes.add(answer.stickyWrite());
                        }
                        String identity = identities.get(i);
                        boolean alreadySent = identity != null && loaded.exposed().get(checked++);
                        if (identity != null && !alreadySent && answer.exposure()) {
                            exposures.add(Exposures.event(scope, answer, experiment.definition().bucketVersion(),
                                    identity, user.now()));
                            exposureIds.add(identity);
                        }
                    }
                    Uni<Void> claimedAndSent = state.claimExposures(exposureIds)
                            .invoke(claimed -> send(exposures, exposureIds, claimed)).replaceWithVoid();
                    Uni<Void> stored = state.store(scope.getProjectId(), scope.getEnvironment(), writes);
                    return Uni.combine().all().unis(claimedAndSent, stored).discardItems().replaceWith(answers);
                });
    }

    /** Sends the exposures this request claimed; the answer does not wait for Kafka. */
    private void send(List<Event> exposures, List<String> identities, List<Boolean> claimed) {
        List<Event> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < exposures.size(); i++) {
            if (claimed.get(i)) {
                events.add(exposures.get(i));
                ids.add(identities.get(i));
            }
        }
        if (events.isEmpty()) {
            return;
        }
        publisher.publish(events).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warnf("%d exposures not acknowledged by Kafka (sent again on the users' next assignment): %s",
                        events.size(), failure.toString());
                state.releaseExposures(ids).subscribe().with(done -> {
                }, error -> LOG.warnf("Could not release %d exposure claims: %s", ids.size(), error.toString()));
                return;
            }
            state.markExposed(ids).subscribe().with(done -> {
            }, error -> LOG.warnf("Could not remember %d sent exposures: %s", ids.size(), error.toString()));
        });
    }

    private static void addDocument(Set<Document> documents, String attribute, UserContext user) {
        String value = user.stringAttribute(attribute);
        if (!value.isEmpty()) {
            documents.add(new Document(attribute, value));
        }
    }
}
