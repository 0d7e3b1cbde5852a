-- People who sign in to the console (ADR 0011). Passwords are Argon2id PHC strings; one-time tokens (setup,
-- invitations) are stored as their SHA-256 only.
CREATE TABLE person (
    id             uuid PRIMARY KEY,
    email          varchar(320) NOT NULL,
    name           varchar(200) NOT NULL,
    -- null for people who only sign in through single sign-on
    password_hash  varchar(200),
    created_at     timestamptz NOT NULL,
    disabled_at    timestamptz
);
CREATE UNIQUE INDEX person_email_idx ON person (lower(email));

CREATE TABLE membership (
    person_id   uuid NOT NULL REFERENCES person (id),
    project_id  uuid NOT NULL REFERENCES project (id),
    role        varchar(16) NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    created_at  timestamptz NOT NULL,
    -- a disabled member keeps the record (and the audit trail's meaning) but has no access
    disabled_at timestamptz,
    PRIMARY KEY (person_id, project_id)
);
CREATE INDEX membership_project_idx ON membership (project_id);

CREATE TABLE invitation (
    id           uuid PRIMARY KEY,
    project_id   uuid NOT NULL REFERENCES project (id),
    email        varchar(320) NOT NULL,
    role         varchar(16) NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    token_hash   char(64) NOT NULL UNIQUE,
    invited_by   varchar(400) NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX invitation_project_idx ON invitation (project_id);

-- The first owner's one-time link, issued with the bootstrap credential while nobody has signed up.
CREATE TABLE setup_token (
    token_hash   char(64) PRIMARY KEY,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);

-- Keys the gateway signs with (the credentials it forwards to services on a person's behalf), shared by replicas.
CREATE TABLE signing_key (
    name        varchar(64) PRIMARY KEY,
    secret      bytea NOT NULL,
    created_at  timestamptz NOT NULL
);
