package dev.flywheel.featureflags.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.inject.Singleton;

import dev.flywheel.featureflags.config.FlagsConfig;
import dev.flywheel.featureflags.repository.FlagEnvironmentEntity;
import dev.flywheel.featureflags.repository.FlagSetStore;
import dev.flywheel.flags.FlagDocument;
import dev.flywheel.flags.FlagDocumentException;
import dev.flywheel.flags.FlagSet;
import dev.flywheel.service.catalogue.CatalogueSnapshots;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import dev.flywheel.service.config.DataSourceAddress;
import io.vertx.mutiny.core.Vertx;

/**
 * The in-memory evaluation snapshot of each environment a caller asked for: its flags compiled once, kept by a
 * {@link SnapshotRegistry} (replaced whole on every replica when the environment changes), so evaluation never
 * touches the database and never sees half a change. A replaced snapshot tells the open flagd streams which flags
 * changed.
 */
@Singleton
public class FlagSnapshots extends CatalogueSnapshots<FlagSnapshots.Snapshot> {

    /**
     * An environment's compiled flags at one version, and the same flags as one flagd document (what in-process
     * providers sync).
     */
    public record Snapshot(String projectId, String environment, long version, FlagSet flags,
            Map<String, String> definitions, String evaluators, String metadata, String document) {
    }

    public FlagSnapshots(FlagSetStore store, FlagChangeStreams streams, Vertx vertx, DataSourceAddress database,
            FlagsConfig config) {
        super(new SnapshotRegistry<>("flags", SnapshotRegistry.Source.of(
                key -> store.load(key).map(stored -> compile(key.projectId(), key.environment(), stored)),
                store::version,
                snapshot -> new SnapshotRegistry.Version(snapshot.version(), 0)),
                (previous, current) -> {
                    Map<String, String> changed = changes(previous, current);
                    if (!changed.isEmpty()) {
                        streams.publish(new EnvironmentKey(current.projectId(), current.environment()),
                                new FlagChanges(FlagChanges.Kind.CHANGED, changed));
                    }
                }), FlagEnvironmentEntity.CATALOGUE, vertx, database, config.resyncInterval());
    }

    /** Which flags changed and how; a change to shared evaluators or metadata may change every flag. */
    static Map<String, String> changes(Snapshot before, Snapshot after) {
        Map<String, String> changed = new LinkedHashMap<>();
        boolean shared = !Objects.equals(before.evaluators(), after.evaluators())
                || !Objects.equals(before.metadata(), after.metadata());
        after.definitions().forEach((flag, definition) -> {
            String old = before.definitions().get(flag);
            if (old == null) {
                changed.put(flag, "write");
            } else if (shared || !old.equals(definition)) {
                changed.put(flag, "update");
            }
        });
        before.definitions().keySet().forEach(flag -> {
            if (!after.definitions().containsKey(flag)) {
                changed.put(flag, "delete");
            }
        });
        return changed;
    }

    private static Snapshot compile(String projectId, String environment, FlagSetStore.StoredFlagSet stored) {
        try {
            Map<String, Map<String, Object>> flags = new LinkedHashMap<>();
            for (Map.Entry<String, String> flag : stored.definitions().entrySet()) {
                flags.put(flag.getKey(), FlagDocument.readObject(flag.getValue()));
            }
            FlagDocument document = new FlagDocument(stored.schemaUrl(), flags,
                    FlagDocument.readObject(stored.evaluators()), FlagDocument.readObject(stored.metadata()));
            return new Snapshot(projectId, environment, stored.version(), FlagSet.compile(document),
                    stored.definitions(), stored.evaluators(), stored.metadata(), document.toJson());
        } catch (FlagDocumentException e) {
            throw new IllegalStateException("stored flags of " + projectId + "/" + environment + " are unreadable", e);
        }
    }
}
