package dev.flywheel.metrics.store;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.flywheel.proto.events.v1.EventType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Identity links and person traits from a batch. An identify call (or any event) carrying both an anonymous id
 * and a user id links the anonymous id to the user; an alias links previousId to userId and moves everything
 * linked to previousId along. A distinct id keeps its earliest link, so two identified users are never merged
 * by a later call; queries resolve each event's distinct id through these links.
 */
final class IdentityWriter {

    private static final Comparator<StoredEvent> EVENT_ORDER = Comparator.comparing(StoredEvent::at)
            .thenComparing(StoredEvent::messageId);

    // Link "from" to the person "to" belongs to (unless that is "from" itself), keeping the earliest link, then
    // re-point whatever was linked to "from".
    private static final String LINK = """
            WITH target AS (
                SELECT COALESCE((SELECT person_id FROM identity_link
                                 WHERE project_id = $1 AND environment = $2 AND distinct_id = $4), $4) AS person_id
            ), linked AS (
                INSERT INTO identity_link (project_id, environment, distinct_id, person_id, linked_at, message_id)
                SELECT $1, $2, $3, person_id, $5, $6 FROM target WHERE person_id <> $3
                ON CONFLICT (project_id, environment, distinct_id)
                DO UPDATE SET person_id = excluded.person_id, linked_at = excluded.linked_at,
                              message_id = excluded.message_id
                WHERE (excluded.linked_at, excluded.message_id)
                      < (identity_link.linked_at, identity_link.message_id)
                RETURNING person_id
            )
            UPDATE identity_link SET person_id = (SELECT person_id FROM linked)
            WHERE project_id = $1 AND environment = $2 AND person_id = $3 AND EXISTS (SELECT 1 FROM linked)""";

    // Traits merge key by key; for a key both calls set, the later call's value wins whatever the arrival order.
    private static final String TRAITS = """
            INSERT INTO person_traits (project_id, environment, distinct_id, traits, updated_at)
            VALUES ($1, $2, $3, $4::text::jsonb, $5)
            ON CONFLICT (project_id, environment, distinct_id) DO UPDATE SET
                traits = CASE WHEN excluded.updated_at >= person_traits.updated_at
                              THEN person_traits.traits || excluded.traits
                              ELSE excluded.traits || person_traits.traits END,
                updated_at = GREATEST(person_traits.updated_at, excluded.updated_at)""";

    private IdentityWriter() {
    }

    static Uni<Void> write(SqlConnection connection, List<StoredEvent> events) {
        // Browsers send both ids on every call after identify: one link statement per pair and batch is enough.
        Map<List<String>, Tuple> links = new LinkedHashMap<>();
        List<Tuple> traits = new ArrayList<>();
        for (StoredEvent event : events.stream().sorted(EVENT_ORDER).toList()) {
            String from = event.type() == EventType.EVENT_TYPE_ALIAS ? event.previousId() : event.anonymousId();
            String to = event.userId();
            if (!from.isEmpty() && !to.isEmpty() && !from.equals(to)) {
                links.putIfAbsent(List.of(event.projectId(), event.environment(), from, to),
                        Tuple.of(event.projectId(), event.environment(), from, to, event.atUtc(), event.messageId()));
            }
            if (event.traits() != null) {
                traits.add(Tuple.of(event.projectId(), event.environment(), event.distinctId(), event.traits(),
                        event.at().atOffset(ZoneOffset.UTC)));
            }
        }
        Uni<Void> linked = links.isEmpty()
                ? Uni.createFrom().voidItem()
                : connection.preparedQuery(LINK).executeBatch(new ArrayList<>(links.values())).replaceWithVoid();
        return linked.chain(() -> traits.isEmpty()
                ? Uni.createFrom().voidItem()
                : connection.preparedQuery(TRAITS).executeBatch(traits).replaceWithVoid());
    }
}
