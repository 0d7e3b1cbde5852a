-- Surveys join the shared definition catalogue (ARCHITECTURE.md): a row per environment that every change locks and
-- whose version each replica's snapshot of running surveys compares with, and an audit log of every change.
CREATE TABLE survey_environment (
    id          bigserial   PRIMARY KEY,
    project_id  text        NOT NULL,
    environment text        NOT NULL,
    version     bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, environment)
);
INSERT INTO survey_environment (project_id, environment, version, updated_at)
SELECT project_id, environment, count(*), max(updated_at) FROM survey GROUP BY project_id, environment;

-- The surveys' identity for the persistence layer; the key stays (project, environment, survey key).
ALTER TABLE survey ADD COLUMN id bigserial UNIQUE;

CREATE TABLE survey_audit (
    id          bigserial   PRIMARY KEY,
    project_id  text        NOT NULL,
    environment text        NOT NULL,
    entry_key   text,
    action      text        NOT NULL,
    actor       text        NOT NULL,
    at          timestamptz NOT NULL,
    before_json text,
    after_json  text,
    version     bigint      NOT NULL,
    comment     text
);
CREATE INDEX survey_audit_by_environment ON survey_audit (project_id, environment, id);
