package dev.flywheel.metrics.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.model.Scope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Heatmap queries over the stored points and scroll depths (V8): counts per grid cell, per element, per depth. */
@ApplicationScoped
public class HeatmapStore {

    /** Which rows: pages like {@code pageLike} (or equal to it), viewports in the band, times in the range. */
    public record Selection(String page, boolean like, int minWidth, int maxWidth, Instant from, Instant to) {
    }

    public record Cell(int column, int row, long count) {
    }

    public record ElementCount(String selector, long clicks, long rageClicks, long deadClicks) {
    }

    /** Views per depth step, and the median page height. */
    public record Depths(long[] viewsByStep, int medianPageHeight) {
    }

    // $1 project, $2 environment, $3 page, $4 like?, $5 min width, $6 max width (0: none); $7, $8 the time range
    private static final String PAGES = " WHERE project_id = $1 AND environment = $2"
            + " AND (CASE WHEN $4 THEN page LIKE $3 ELSE page = $3 END)"
            + " AND viewport_width >= $5 AND ($6 = 0 OR viewport_width <= $6)";
    private static final String DAYS = PAGES
            + " AND ($7::date IS NULL OR day >= $7) AND ($8::date IS NULL OR day < $8)";
    private static final String INSTANTS = PAGES
            + " AND ($7::timestamptz IS NULL OR ts >= $7) AND ($8::timestamptz IS NULL OR ts < $8)";

    private final Pool pool;

    public HeatmapStore(Pool pool) {
        this.pool = pool;
    }

    /** Whether the rollup grid coarsens to {@code columns}: a divisor of its columns. */
    public static boolean gridHasColumns(int columns) {
        return columns >= 1 && HeatmapWriter.GRID_COLUMNS % columns == 0;
    }

    /** Whether the rollup grid coarsens to rows of {@code cellPx}: a multiple of its rows' height. */
    public static boolean gridHasRowPx(int cellPx) {
        return cellPx >= HeatmapWriter.GRID_ROW_PX && cellPx % HeatmapWriter.GRID_ROW_PX == 0;
    }

    /**
     * Points of the kinds given per cell, from the daily rollup grid coarsened to {@code columns} across the width
     * (see {@link #gridHasColumns}) and rows of {@code cellPx} page pixels (see {@link #gridHasRowPx}).
     */
    public Uni<List<Cell>> cells(Scope scope, Selection selection, short[] kinds, int columns, int cellPx) {
        return pool.preparedQuery("SELECT cell_column / $9, cell_row / $10, sum(points) FROM heatmap_cell_daily"
                + DAYS + " AND kind = ANY($11) GROUP BY 1, 2 HAVING sum(points) > 0")
                .execute(byDay(scope, selection).addInteger(HeatmapWriter.GRID_COLUMNS / columns)
                        .addInteger(cellPx / HeatmapWriter.GRID_ROW_PX).addArrayOfShort(boxed(kinds)))
                .map(rows -> {
                    List<Cell> cells = new ArrayList<>();
                    for (Row row : rows) {
                        cells.add(new Cell(row.getInteger(0), row.getInteger(1), row.getLong(2)));
                    }
                    cells.sort(Comparator.comparingInt(Cell::row).thenComparingInt(Cell::column));
                    return cells;
                });
    }

    /** Clicked elements, most clicked first (from the daily rollup). */
    public Uni<List<ElementCount>> elements(Scope scope, Selection selection, int limit) {
        return pool.preparedQuery("SELECT selector, sum(clicks), sum(rage_clicks), sum(dead_clicks)"
                + " FROM heatmap_element_daily" + DAYS + " GROUP BY selector"
                + " HAVING sum(clicks) > 0 OR sum(dead_clicks) > 0 ORDER BY 2 DESC, 1 LIMIT $9")
                .execute(byDay(scope, selection).addInteger(limit)).map(rows -> {
                    List<ElementCount> elements = new ArrayList<>();
                    for (Row row : rows) {
                        elements.add(new ElementCount(row.getString(0), row.getLong(1), row.getLong(2), row
                                .getLong(3)));
                    }
                    return elements;
                });
    }

    /** Page views by the step their deepest point fell in (the last step holds everything deeper). */
    public Uni<Depths> depths(Scope scope, Selection selection, int stepPx, int steps) {
        return pool.preparedQuery("WITH v AS (SELECT depth, page_height FROM heatmap_scroll" + INSTANTS + ")"
                + " SELECT least(depth / $9, $10 - 1), count(*),"
                + " (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY page_height) FROM v) FROM v GROUP BY 1")
                .execute(byInstant(scope, selection).addInteger(stepPx).addInteger(steps)).map(rows -> {
                    long[] views = new long[steps];
                    int median = 0;
                    for (Row row : rows) {
                        views[row.getInteger(0)] += row.getLong(1);
                        median = row.getInteger(2);
                    }
                    return new Depths(views, median);
                });
    }

    /** A performance of an event: who, when. */
    public record Occurrence(String distinctId, Instant at) {
    }

    /** Who performed the event in [from, to), the most recent first, at most {@code limit}. */
    public Uni<List<Occurrence>> occurrences(Scope scope, String event, Instant from, Instant to, int limit) {
        return pool.preparedQuery("SELECT distinct_id, ts FROM event WHERE project_id = $1 AND environment = $2"
                + " AND name = $3 AND ts >= $4 AND ts < $5 ORDER BY ts DESC LIMIT $6")
                .execute(Tuple.from(new Object[]{scope.projectId(), scope.environment(), event,
                        from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), limit}))
                .map(rows -> {
                    List<Occurrence> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(new Occurrence(row.getString(0), row.getOffsetDateTime(1).toInstant()));
                    }
                    return found;
                });
    }

    /** A person's erasure: their points leave the rollups, then go; how many points and depths went. */
    public Uni<Long> deleteOf(Scope scope, String distinctId) {
        Tuple who = Tuple.of(scope.projectId(), scope.environment(), distinctId);
        String theirs = " WHERE project_id = $1 AND environment = $2 AND distinct_id = $3";
        // the rollup rows of the pages they were on that no one else's points hold up
        String emptied = " WHERE project_id = $1 AND environment = $2 AND page IN (SELECT DISTINCT page"
                + " FROM heatmap_point" + theirs + ")";
        return pool.withTransaction(tx -> HeatmapWriter.addToRollups(tx, "(SELECT * FROM heatmap_point" + theirs
                + ") AS p", who, true)
                .chain(() -> tx.preparedQuery("DELETE FROM heatmap_cell_daily" + emptied + " AND points <= 0")
                        .execute(who))
                .chain(() -> tx.preparedQuery("DELETE FROM heatmap_element_daily" + emptied
                        + " AND clicks <= 0 AND dead_clicks <= 0").execute(who))
                .chain(() -> tx.preparedQuery("DELETE FROM heatmap_point" + theirs).execute(who))
                .flatMap(points -> tx.preparedQuery("DELETE FROM heatmap_scroll" + theirs).execute(who)
                        .map(depths -> (long) points.rowCount() + depths.rowCount())));
    }

    /** The selection's parameters with its range as whole UTC days: the days it touches. */
    private static Tuple byDay(Scope scope, Selection selection) {
        return pages(scope, selection).addValue(selection.from() == null
                ? null
                : LocalDate.ofInstant(selection.from(), ZoneOffset.UTC))
                .addValue(selection.to() == null
                        ? null
                        : LocalDate.ofInstant(selection.to().minusNanos(1),
                                ZoneOffset.UTC).plusDays(1));
    }

    private static Tuple byInstant(Scope scope, Selection selection) {
        return pages(scope, selection).addValue(selection.from() == null
                ? null
                : selection.from().atOffset(ZoneOffset.UTC))
                .addValue(selection.to() == null ? null : selection.to().atOffset(ZoneOffset.UTC));
    }

    private static Tuple pages(Scope scope, Selection selection) {
        return Tuple.from(new Object[]{scope.projectId(), scope.environment(), selection.page(), selection.like(),
                selection.minWidth(), selection.maxWidth()});
    }

    private static Short[] boxed(short[] values) {
        Short[] boxed = new Short[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }
}
