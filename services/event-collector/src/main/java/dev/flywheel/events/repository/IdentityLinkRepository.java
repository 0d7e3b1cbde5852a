package dev.flywheel.events.repository;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Identity links from identify (anonymousId -> userId) and alias (previousId -> userId). The first link of an id
 * wins: a later identify that would attach the same anonymous id to another user is ignored, so two identified
 * users are never merged implicitly.
 */
@ApplicationScoped
public class IdentityLinkRepository {

    private static final String INSERT = """
            INSERT INTO event_collector.identity_link (project_id, from_id, user_id, via)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (project_id, from_id) DO NOTHING""";

    private final Pool pool;

    public IdentityLinkRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> recordLinks(List<Event> events) {
        List<Tuple> links = new ArrayList<>();
        for (Event event : events) {
            String project = event.getScope().getProjectId();
            if (event.getType() == EventType.EVENT_TYPE_IDENTIFY && !event.getUserId().isEmpty()
                    && !event.getAnonymousId().isEmpty() && !event.getAnonymousId().equals(event.getUserId())) {
                links.add(Tuple.of(project, event.getAnonymousId(), event.getUserId(), "identify"));
            } else if (event.getType() == EventType.EVENT_TYPE_ALIAS
                    && !event.getPreviousId().equals(event.getUserId())) {
                links.add(Tuple.of(project, event.getPreviousId(), event.getUserId(), "alias"));
            }
        }
        if (links.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(INSERT).executeBatch(links).replaceWithVoid();
    }
}
