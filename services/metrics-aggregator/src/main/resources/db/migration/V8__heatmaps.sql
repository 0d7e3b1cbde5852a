-- Heatmaps (ADR 0012): the browser SDK's heatmap events, kept as points per page (URL without query and fragment)
-- when the event is stored, so a heatmap reads narrow rows instead of event JSON.
-- kind: 1 click, 2 rage click, 3 pointer position; x: share of the viewport's width; y: page pixels.
CREATE TABLE heatmap_point (
    project_id     text        NOT NULL,
    environment    text        NOT NULL,
    page           text        NOT NULL,
    ts             timestamptz NOT NULL,
    viewport_width integer     NOT NULL,
    kind           smallint    NOT NULL,
    x              real        NOT NULL,
    y              integer     NOT NULL,
    selector       text,
    distinct_id    text        NOT NULL
);
CREATE INDEX heatmap_point_page_idx ON heatmap_point (project_id, environment, page, kind, ts);
CREATE INDEX heatmap_point_person_idx ON heatmap_point (project_id, environment, distinct_id);

-- One row per page view that was left: how deep it was scrolled.
CREATE TABLE heatmap_scroll (
    project_id     text        NOT NULL,
    environment    text        NOT NULL,
    page           text        NOT NULL,
    ts             timestamptz NOT NULL,
    viewport_width integer     NOT NULL,
    depth          integer     NOT NULL,
    page_height    integer     NOT NULL,
    distinct_id    text        NOT NULL
);
CREATE INDEX heatmap_scroll_page_idx ON heatmap_scroll (project_id, environment, page, ts);
CREATE INDEX heatmap_scroll_person_idx ON heatmap_scroll (project_id, environment, distinct_id);
