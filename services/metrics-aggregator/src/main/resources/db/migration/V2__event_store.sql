-- The event store: every event once (receipts make the consumer idempotent on project + messageId), raw events
-- partitioned by month of their time (partitions are created by the consumer as events arrive), identity links,
-- person traits, and rollups kept in step with the events in the same transaction.

CREATE TABLE event_receipt (
    project_id  text        NOT NULL,
    message_id  text        NOT NULL,
    ts          timestamptz NOT NULL,
    PRIMARY KEY (project_id, message_id)
);

CREATE TABLE event (
    project_id   text        NOT NULL,
    environment  text        NOT NULL,
    message_id   text        NOT NULL,
    type         smallint    NOT NULL,
    name         text        NOT NULL,
    distinct_id  text        NOT NULL,
    ts           timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    source       smallint    NOT NULL,
    properties   jsonb       NOT NULL,
    context      jsonb       NOT NULL
) PARTITION BY RANGE (ts);

-- Analytics reads events by name and time; one index keeps the write path cheap (a person's first event is found
-- by its name and time, see first_seen).
CREATE INDEX event_by_name ON event (project_id, environment, name, ts);

-- distinct_id belongs to person_id. The earliest link (by event time, then message id) wins, so replays and
-- reordered partitions converge to the same answer; merged persons are re-pointed.
CREATE TABLE identity_link (
    project_id   text        NOT NULL,
    environment  text        NOT NULL,
    distinct_id  text        NOT NULL,
    person_id    text        NOT NULL,
    linked_at    timestamptz NOT NULL,
    message_id   text        NOT NULL,
    PRIMARY KEY (project_id, environment, distinct_id)
);
CREATE INDEX identity_link_by_person ON identity_link (project_id, environment, person_id);

-- Traits from identify calls, merged key by key; the newer call wins a key.
CREATE TABLE person_traits (
    project_id   text        NOT NULL,
    environment  text        NOT NULL,
    distinct_id  text        NOT NULL,
    traits       jsonb       NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (project_id, environment, distinct_id)
);

-- Rollups, by day in the project's time zone (see analytics_settings).
CREATE TABLE event_count_daily (
    project_id   text     NOT NULL,
    environment  text     NOT NULL,
    day          date     NOT NULL,
    name         text     NOT NULL,
    events       bigint   NOT NULL,
    PRIMARY KEY (project_id, environment, name, day)
);

-- Who did what on which day: active users, unique users per event, retention, lifecycle and churn read it.
CREATE TABLE activity_daily (
    project_id   text     NOT NULL,
    environment  text     NOT NULL,
    day          date     NOT NULL,
    name         text     NOT NULL,
    distinct_id  text     NOT NULL,
    events       bigint   NOT NULL,
    -- Track, page and screen calls from people (not identify/alias/group calls, not Flywheel's own events):
    -- what counts as being active.
    active       boolean  NOT NULL,
    PRIMARY KEY (project_id, environment, day, name, distinct_id)
);
CREATE INDEX activity_daily_by_name ON activity_daily (project_id, environment, name, day);

-- Daily active people (distinct ids with activity that day): active users, lifecycle, churn and AARRR read it.
CREATE TABLE daily_active (
    project_id   text     NOT NULL,
    environment  text     NOT NULL,
    day          date     NOT NULL,
    distinct_id  text     NOT NULL,
    PRIMARY KEY (project_id, environment, day, distinct_id)
);

CREATE TABLE first_seen (
    project_id   text        NOT NULL,
    environment  text        NOT NULL,
    distinct_id  text        NOT NULL,
    first_at     timestamptz NOT NULL,
    -- The first event itself (AARRR reads where the person came from in it).
    name         text        NOT NULL,
    message_id   text        NOT NULL,
    PRIMARY KEY (project_id, environment, distinct_id)
);

-- Per project: the time zone rollups are bucketed in, and the rest of flywheel.analytics.v1.AnalyticsSettings
-- (AARRR stages, North Star) as its protobuf encoding.
CREATE TABLE analytics_settings (
    project_id   text        PRIMARY KEY,
    time_zone    text        NOT NULL,
    settings     bytea       NOT NULL,
    version      bigint      NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Events the store cannot keep (an event name too long to index, a record that fails on its own while others
-- store): kept with the reason instead of stalling the partition, and counted. Never dropped silently.
CREATE TABLE rejected_event (
    project_id   text        NOT NULL,
    message_id   text        NOT NULL,
    reason       text        NOT NULL,
    payload      bytea       NOT NULL,
    rejected_at  timestamptz NOT NULL,
    PRIMARY KEY (project_id, message_id)
);
