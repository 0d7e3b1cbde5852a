-- Saved insights and dashboards (flywheel.analytics.v1.SavedInsight / Dashboard as protobuf bytes) on the shared
-- definition catalogue: a row per project ("*") that every change locks and raises, and an audit log.
CREATE TABLE saved_board (
    id          bigserial   PRIMARY KEY,
    project_id  text        NOT NULL,
    collection  text        NOT NULL CHECK (collection IN ('insights', 'dashboards')),
    board_key   text        NOT NULL,
    definition  bytea       NOT NULL,
    version     bigint      NOT NULL,
    updated_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (project_id, collection, board_key)
);

CREATE TABLE saved_board_catalogue (
    id          bigserial   PRIMARY KEY,
    project_id  text        NOT NULL,
    environment text        NOT NULL,
    version     bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, environment)
);

CREATE TABLE saved_board_audit (
    id          bigserial   PRIMARY KEY,
    project_id  text        NOT NULL,
    entry_key   text,
    action      text        NOT NULL,
    actor       text        NOT NULL,
    at          timestamptz NOT NULL,
    before_json text,
    after_json  text,
    version     bigint      NOT NULL,
    comment     text
);
CREATE INDEX saved_board_audit_by_project ON saved_board_audit (project_id, id);
