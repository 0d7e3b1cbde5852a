-- Session recordings (ADR 0012): the chunks' bytes live in the blob store; here, which chunks were stored (each
-- once: the key is the chunk's identity) and each session's summary, kept up to date as chunks arrive.
CREATE TABLE recording_chunk (
    project_id  text        NOT NULL,
    environment text        NOT NULL,
    session_id  text        NOT NULL,
    window_id   text        NOT NULL,
    sequence    integer     NOT NULL,
    blob_key    text        NOT NULL,
    first_at    timestamptz NOT NULL,
    last_at     timestamptz NOT NULL,
    events      integer     NOT NULL,
    size_bytes  integer     NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, environment, session_id, window_id, sequence)
);

CREATE TABLE recording_session (
    project_id     text        NOT NULL,
    environment    text        NOT NULL,
    session_id     text        NOT NULL,
    distinct_id    text        NOT NULL,
    started_at     timestamptz NOT NULL,
    ended_at       timestamptz NOT NULL,
    active_ms      bigint      NOT NULL,
    pages          text[]      NOT NULL,
    clicks         integer     NOT NULL,
    rage_clicks    integer     NOT NULL,
    console_errors integer     NOT NULL,
    chunks         integer     NOT NULL,
    size_bytes     bigint      NOT NULL,
    flags          jsonb       NOT NULL,
    variations     jsonb       NOT NULL,
    replayable     boolean     NOT NULL,
    PRIMARY KEY (project_id, environment, session_id)
);
CREATE INDEX recording_session_started_idx ON recording_session (project_id, environment, started_at DESC, session_id);
CREATE INDEX recording_session_person_idx ON recording_session (project_id, environment, distinct_id);
