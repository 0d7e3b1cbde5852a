-- Flags per project and environment. Definitions are stored as the JSON text they were given (flagd format), so an
-- export returns what was imported; every change bumps the flag's and the environment's version and is audited.
CREATE TABLE flag_environment (
    id          bigserial   PRIMARY KEY,
    project_id  text        NOT NULL,
    environment text        NOT NULL,
    version     bigint      NOT NULL DEFAULT 0,
    evaluators  text        NOT NULL DEFAULT '{}',
    metadata    text        NOT NULL DEFAULT '{}',
    schema_url  text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, environment)
);

CREATE TABLE flag (
    id             bigserial   PRIMARY KEY,
    environment_id bigint      NOT NULL REFERENCES flag_environment (id),
    flag_key       text        NOT NULL,
    definition     text        NOT NULL,
    position       bigint      NOT NULL,
    version        bigint      NOT NULL,
    updated_at     timestamptz NOT NULL,
    updated_by     text        NOT NULL,
    UNIQUE (environment_id, flag_key)
);

CREATE TABLE flag_audit (
    id                  bigserial   PRIMARY KEY,
    environment_id      bigint      NOT NULL REFERENCES flag_environment (id),
    flag_key            text,
    action              text        NOT NULL,
    actor               text        NOT NULL,
    at                  timestamptz NOT NULL,
    before_json         text,
    after_json          text,
    version             bigint      NOT NULL,
    environment_version bigint      NOT NULL,
    comment             text
);

CREATE INDEX flag_audit_by_environment ON flag_audit (environment_id, id DESC);
CREATE INDEX flag_audit_by_flag ON flag_audit (environment_id, flag_key, id DESC);
