-- Tenancy: organisation -> project -> environments; API keys belong to a project (and, except admin
-- keys, to one environment). Key secrets are never stored: only their SHA-256.
CREATE TABLE organisation (
    id          uuid PRIMARY KEY,
    name        varchar(200) NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL
);

CREATE TABLE project (
    id                     uuid PRIMARY KEY,
    organisation_id        uuid NOT NULL REFERENCES organisation (id),
    name                   varchar(200) NOT NULL,
    -- Browser origins allowed to call with this project's keys, space-separated; '*' allows any.
    cors_origins           text NOT NULL DEFAULT '',
    rate_limit_per_second  integer NOT NULL CHECK (rate_limit_per_second > 0),
    rate_limit_burst       integer NOT NULL CHECK (rate_limit_burst > 0),
    created_at             timestamptz NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE environment (
    id          uuid PRIMARY KEY,
    project_id  uuid NOT NULL REFERENCES project (id),
    name        varchar(64) NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE api_key (
    id              uuid PRIMARY KEY,
    project_id      uuid NOT NULL REFERENCES project (id),
    environment_id  uuid REFERENCES environment (id),
    kind            varchar(16) NOT NULL CHECK (kind IN ('client', 'server', 'admin')),
    name            varchar(200) NOT NULL,
    display_prefix  varchar(32) NOT NULL,
    token_hash      char(64) NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz,
    revoked_at      timestamptz,
    CHECK ((kind = 'admin') = (environment_id IS NULL))
);

CREATE INDEX api_key_project_idx ON api_key (project_id);
