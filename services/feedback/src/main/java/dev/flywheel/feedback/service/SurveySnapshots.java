package dev.flywheel.feedback.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.feedback.config.FeedbackConfig;
import dev.flywheel.feedback.repository.SurveyEnvironmentEntity;
import dev.flywheel.feedback.store.RunningSurveysStore;
import dev.flywheel.service.catalogue.CatalogueSnapshots;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import dev.flywheel.service.config.DataSourceAddress;
import dev.flywheel.surveys.Survey;
import dev.flywheel.surveys.SurveyDefinition;
import dev.flywheel.surveys.SurveyDefinitionException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Each environment's running surveys as this replica serves them, parsed once and kept by a
 * {@link SnapshotRegistry}: replaced on every replica when a change to the environment's surveys commits.
 */
@Singleton
public class SurveySnapshots extends CatalogueSnapshots<SurveySnapshots.Running> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A running survey, ready to select and render: {@code render} is its name and questions, as JSON. */
    public record Live(Survey survey, long version, String render) {
    }

    /**
     * An environment's running surveys, by key, at one version of the environment, and the events that trigger any
     * of them (every next-survey answer names those).
     */
    public record Running(long version, Map<String, Live> surveys, Set<String> triggerEvents) {
    }

    public SurveySnapshots(RunningSurveysStore store, Vertx vertx, DataSourceAddress database,
            FeedbackConfig config) {
        super(new SnapshotRegistry<>("surveys", SnapshotRegistry.Source.of(
                key -> store.load(key).map(SurveySnapshots::running), store::version,
                snapshot -> new SnapshotRegistry.Version(snapshot.version(), 0))), SurveyEnvironmentEntity.CATALOGUE,
                vertx, database, config.resyncInterval());
    }

    /** The environment's running surveys, by key. */
    public Uni<Map<String, Live>> running(String project, String environment) {
        return get(project, environment).map(Running::surveys);
    }

    /** The environment's running surveys and their trigger events. */
    public Uni<Running> environment(String project, String environment) {
        return get(project, environment);
    }

    /** A stored definition, parsed; null if it no longer parses (it did when stored). */
    public static Live live(String key, String definition, long version) {
        try {
            Survey survey = SurveyDefinition.parse(key, definition);
            JsonNode tree = JSON.readTree(definition);
            ObjectNode render = JSON.createObjectNode();
            render.put("key", key);
            render.set("name", tree.path("name"));
            render.set("questions", tree.path("questions"));
            return new Live(survey, version, JSON.writeValueAsString(render));
        } catch (SurveyDefinitionException | JsonProcessingException e) {
            return null;
        }
    }

    private static Running running(RunningSurveysStore.RunningSurveys stored) {
        Map<String, Live> surveys = new LinkedHashMap<>();
        Set<String> triggers = new TreeSet<>();
        for (RunningSurveysStore.StoredSurvey survey : stored.surveys()) {
            Live live = live(survey.key(), survey.definition(), survey.version());
            if (live != null) {
                surveys.put(survey.key(), live);
                if (live.survey().targeting().events() != null) {
                    triggers.addAll(live.survey().targeting().events());
                }
            }
        }
        return new Running(stored.version(), Collections.unmodifiableMap(surveys),
                Collections.unmodifiableSet(triggers));
    }
}
