-- Experiment metrics join the shared definition catalogue (ARCHITECTURE.md): a row per project ("*": metrics are
-- project-wide) that every change locks and whose version rises with each, and an audit log of every change.
CREATE TABLE experiment_metric_catalogue (
    id          bigserial   PRIMARY KEY,
    project_id  text        NOT NULL,
    environment text        NOT NULL,
    version     bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, environment)
);
INSERT INTO experiment_metric_catalogue (project_id, environment, version, updated_at)
SELECT project_id, '*', count(*), max(updated_at) FROM experiment_metric GROUP BY project_id;

-- The metrics' identity for the persistence layer; the key stays (project, metric key).
ALTER TABLE experiment_metric ADD COLUMN id bigserial UNIQUE;

CREATE TABLE experiment_metric_audit (
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
CREATE INDEX experiment_metric_audit_by_project ON experiment_metric_audit (project_id, id);
