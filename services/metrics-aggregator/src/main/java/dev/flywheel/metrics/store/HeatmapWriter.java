package dev.flywheel.metrics.store;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Heatmap events' points and scroll depths, stored with the events that carry them (each event once), and added to
 * the daily rollups that heatmaps read (V9).
 */
final class HeatmapWriter {

    /** The rollup grid: columns across the viewport's width, and page pixels per row (V9). */
    static final int GRID_COLUMNS = 320;
    static final int GRID_ROW_PX = 4;

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
        Tuple batch = Tuple.from(new Object[]{projects, environments, pages, times, widths, kinds, xs, ys, selectors,
                people});
        return connection.preparedQuery("INSERT INTO heatmap_point (project_id, environment, page, ts,"
                + " viewport_width, kind, x, y, selector, distinct_id) SELECT * FROM " + BATCH).execute(batch)
                .chain(() -> addToRollups(connection, BATCH, batch, false));
    }

    // the batch's points as rows shaped like heatmap_point's
    private static final String BATCH = "unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[],"
            + " $5::integer[], $6::smallint[], $7::real[], $8::integer[], $9::text[], $10::text[]) AS p(project_id,"
            + " environment, page, ts, viewport_width, kind, x, y, selector, distinct_id)";

    /**
     * Adds the points that {@code source} (a row source named p) yields to the rollups, or takes them away (a person's
     * erasure). Rows go in
     * key order, so concurrent batches and erasures lock them in the same order and never deadlock.
     */
    static Uni<Void> addToRollups(SqlConnection connection, String source, Tuple params, boolean subtract) {
        String sign = subtract ? "-" : "";
        return connection.preparedQuery("INSERT INTO heatmap_cell_daily (project_id, environment, page, kind, day,"
                + " viewport_width, cell_column, cell_row, points) SELECT project_id, environment, page, kind,"
                + " (ts AT TIME ZONE 'UTC')::date, viewport_width, least(floor(x * " + GRID_COLUMNS + ")::int, "
                + (GRID_COLUMNS - 1) + "), y / " + GRID_ROW_PX + ", " + sign + "count(*) FROM " + source
                + " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
                + " ON CONFLICT (project_id, environment, page, kind, day, viewport_width, cell_column, cell_row)"
                + " DO UPDATE SET points = heatmap_cell_daily.points + excluded.points").execute(params)
                .chain(() -> connection.preparedQuery("INSERT INTO heatmap_element_daily (project_id, environment,"
                        + " page, day, viewport_width, selector, clicks, rage_clicks, dead_clicks)"
                        + " SELECT project_id, environment, page, (ts AT TIME ZONE 'UTC')::date, viewport_width,"
                        + " selector, " + sign + "count(*) FILTER (WHERE kind IN (1, 2)), " + sign
                        + "count(*) FILTER (WHERE kind = 2), " + sign + "count(*) FILTER (WHERE kind = 4) FROM "
                        + source + " WHERE kind IN (1, 2, 4) AND selector IS NOT NULL"
                        + " GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6"
                        + " ON CONFLICT (project_id, environment, page, day, viewport_width, selector) DO UPDATE SET"
                        + " clicks = heatmap_element_daily.clicks + excluded.clicks,"
                        + " rage_clicks = heatmap_element_daily.rage_clicks + excluded.rage_clicks,"
                        + " dead_clicks = heatmap_element_daily.dead_clicks + excluded.dead_clicks").execute(params))
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
