-- Heatmaps read daily rollups (ADR 0012): a page's million clicks fall on a few thousand cells and a few hundred
-- elements, so reading those instead of the points answers in milliseconds. The points stay, for erasure (a person's
-- points are subtracted from the rollups) and for rebuilding.
-- The grid is fixed at ingest, as PostHog and Hotjar do: 320 columns across the viewport, rows of 4 page pixels; a
-- query coarsens it to any divisor of 320 columns and any multiple of 4 pixels. Days are UTC.
CREATE TABLE heatmap_cell_daily (
    project_id     text     NOT NULL,
    environment    text     NOT NULL,
    page           text     NOT NULL,
    kind           smallint NOT NULL,
    day            date     NOT NULL,
    viewport_width integer  NOT NULL,
    cell_column    smallint NOT NULL,
    cell_row       integer  NOT NULL,
    points         bigint   NOT NULL,
    PRIMARY KEY (project_id, environment, page, kind, day, viewport_width, cell_column, cell_row)
);

-- Clicks (rage clicks included), rage clicks and dead clicks per element.
CREATE TABLE heatmap_element_daily (
    project_id     text    NOT NULL,
    environment    text    NOT NULL,
    page           text    NOT NULL,
    day            date    NOT NULL,
    viewport_width integer NOT NULL,
    selector       text    NOT NULL,
    clicks         bigint  NOT NULL,
    rage_clicks    bigint  NOT NULL,
    dead_clicks    bigint  NOT NULL,
    PRIMARY KEY (project_id, environment, page, day, viewport_width, selector)
);

INSERT INTO heatmap_cell_daily
SELECT project_id, environment, page, kind, (ts AT TIME ZONE 'UTC')::date, viewport_width,
       least(floor(x * 320)::int, 319), y / 4, count(*)
FROM heatmap_point GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

INSERT INTO heatmap_element_daily
SELECT project_id, environment, page, (ts AT TIME ZONE 'UTC')::date, viewport_width, selector,
       count(*) FILTER (WHERE kind IN (1, 2)), count(*) FILTER (WHERE kind = 2), count(*) FILTER (WHERE kind = 4)
FROM heatmap_point WHERE kind IN (1, 2, 4) AND selector IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6;

-- Queries no longer read the points by page.
DROP INDEX heatmap_point_page_idx;
