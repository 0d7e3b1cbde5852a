-- Experiments per project and environment. Definitions are stored as the JSON text they were given; the lifecycle
-- (status, released winner) is kept beside them. Every change bumps the experiment's and the environment's version
-- and is audited.
CREATE TABLE experiment_environment (
    id          bigserial   PRIMARY KEY,
    project_id  text        NOT NULL,
    environment text        NOT NULL,
    version     bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, environment)
);

CREATE TABLE experiment (
    id                 bigserial   PRIMARY KEY,
    environment_id     bigint      NOT NULL REFERENCES experiment_environment (id),
    experiment_key     text        NOT NULL,
    definition         text        NOT NULL,
    status             text        NOT NULL,
    released_variation text,
    version            bigint      NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    updated_by         text        NOT NULL,
    started_at         timestamptz,
    stopped_at         timestamptz,
    UNIQUE (environment_id, experiment_key)
);

-- Settings that apply to all of a project's experiments (the holdout).
CREATE TABLE project_settings (
    project_id    text             PRIMARY KEY,
    holdout_share double precision NOT NULL DEFAULT 0,
    version       bigint           NOT NULL DEFAULT 0,
    updated_at    timestamptz      NOT NULL,
    updated_by    text             NOT NULL
);

CREATE TABLE experiment_audit (
    id             bigserial   PRIMARY KEY,
    project_id     text        NOT NULL,
    environment    text,
    experiment_key text,
    action         text        NOT NULL,
    actor          text        NOT NULL,
    at             timestamptz NOT NULL,
    before_json    text,
    after_json     text,
    version        bigint      NOT NULL,
    comment        text
);

CREATE INDEX experiment_audit_by_project ON experiment_audit (project_id, id DESC);
CREATE INDEX experiment_audit_by_experiment ON experiment_audit (project_id, environment, experiment_key, id DESC);
