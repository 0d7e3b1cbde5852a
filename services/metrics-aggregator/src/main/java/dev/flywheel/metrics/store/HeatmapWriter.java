package dev.flywheel.metrics.store;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Heatmap events' points and scroll depths, stored with the events that carry them (each event once). */
final class HeatmapWriter {

    private HeatmapWriter() {
    }

    static Uni<Void> write(SqlConnection connection, List<StoredEvent> events) {
        List<StoredEvent> points = new ArrayList<>();
        List<StoredEvent> scrolls = new ArrayList<>();
        for (StoredEvent event : events) {
            if (event.heatmap() != null) {
                (event.heatmap().points().isEmpty() ? scrolls : points).add(event);
            }
        }
        return insertPoints(connection, points).chain(() -> insertScrolls(connection, scrolls));
    }

    private static Uni<Void> insertPoints(SqlConnection connection, List<StoredEvent> events) {
        int n = events.stream().mapToInt(e -> e.heatmap().points().size()).sum();
        if (n == 0) {
            return Uni.createFrom().voidItem();
        }
        String[] projects = new String[n];
        String[] environments = new String[n];
        String[] pages = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        Integer[] widths = new Integer[n];
        Short[] kinds = new Short[n];
        Float[] xs = new Float[n];
        Integer[] ys = new Integer[n];
        String[] selectors = new String[n];
        String[] people = new String[n];
        int i = 0;
        for (StoredEvent event : events) {
            StoredEvent.Heatmap heatmap = event.heatmap();
            for (StoredEvent.HeatmapPoint point : heatmap.points()) {
                projects[i] = event.projectId();
                environments[i] = event.environment();
                pages[i] = heatmap.page();
                times[i] = event.atUtc();
                widths[i] = heatmap.viewportWidth();
                kinds[i] = point.kind();
                xs[i] = point.x();
                ys[i] = point.y();
                selectors[i] = point.selector();
                people[i] = event.distinctId();
                i++;
            }
        }
        return connection.preparedQuery("""
                INSERT INTO heatmap_point (project_id, environment, page, ts, viewport_width, kind, x, y, selector,
                                           distinct_id)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::integer[],
                                     $6::smallint[], $7::real[], $8::integer[], $9::text[], $10::text[])""")
                .execute(Tuple.from(new Object[]{projects, environments, pages, times, widths, kinds, xs, ys,
                        selectors, people}))
                .replaceWithVoid();
    }

    private static Uni<Void> insertScrolls(SqlConnection connection, List<StoredEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>(events.size());
        for (StoredEvent event : events) {
            StoredEvent.Heatmap heatmap = event.heatmap();
            rows.add(Tuple.from(new Object[]{event.projectId(), event.environment(), heatmap.page(), event.atUtc(),
                    heatmap.viewportWidth(), heatmap.depth(), heatmap.pageHeight(), event.distinctId()}));
        }
        return connection.preparedQuery("""
                INSERT INTO heatmap_scroll (project_id, environment, page, ts, viewport_width, depth, page_height,
                                            distinct_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""").executeBatch(rows).replaceWithVoid();
    }
}
