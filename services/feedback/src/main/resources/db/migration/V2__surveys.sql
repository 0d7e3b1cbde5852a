-- Surveys per environment, who has seen which, the answers, the feedback widget's submissions, and the events
-- waiting to go into the event pipeline.
CREATE TABLE survey (
    project_id  text        NOT NULL,
    environment text        NOT NULL,
    survey_key  text        NOT NULL,
    definition  text        NOT NULL,
    status      smallint    NOT NULL,
    version     bigint      NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (project_id, environment, survey_key)
);

-- What each person did with each survey: the selector's history ("never twice", the wait period, recurrence).
CREATE TABLE survey_person (
    project_id    text        NOT NULL,
    environment   text        NOT NULL,
    person_key    text        NOT NULL,
    survey_key    text        NOT NULL,
    last_shown_at timestamptz,
    answered_at   timestamptz,
    dismissed_at  timestamptz,
    shown         integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, environment, person_key, survey_key)
);

-- One showing of a survey to a person; its answers share the submission id (partial responses included).
CREATE TABLE survey_submission (
    project_id     text        NOT NULL,
    environment    text        NOT NULL,
    survey_key     text        NOT NULL,
    submission_id  uuid        NOT NULL,
    person_key     text        NOT NULL,
    survey_version bigint      NOT NULL,
    shown_at       timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    completed      boolean     NOT NULL DEFAULT false,
    dismissed      boolean     NOT NULL DEFAULT false,
    -- What the person was when shown (url, device, properties, flags, experiments): results break down by it.
    context        jsonb       NOT NULL,
    PRIMARY KEY (project_id, environment, survey_key, submission_id)
);

CREATE TABLE survey_answer (
    project_id    text        NOT NULL,
    environment   text        NOT NULL,
    survey_key    text        NOT NULL,
    submission_id uuid        NOT NULL,
    question_id   text        NOT NULL,
    score         double precision,
    choices       text[],
    other         text,
    answer_text   text,
    answered_at   timestamptz NOT NULL,
    PRIMARY KEY (project_id, environment, survey_key, submission_id, question_id)
);

CREATE TABLE feedback_item (
    project_id  text        NOT NULL,
    environment text        NOT NULL,
    feedback_id uuid        NOT NULL,
    person_key  text        NOT NULL,
    rating      smallint    NOT NULL,
    comment     text,
    email       text,
    page_url    text,
    selector    text,
    screenshot  bytea,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (project_id, environment, feedback_id)
);
CREATE INDEX feedback_item_by_time ON feedback_item (project_id, environment, created_at);

-- Events written in the transaction that records what they tell, sent to Kafka after it commits and deleted
-- once acknowledged: none is lost if Kafka or the process fails in between (a relay sends what is left).
CREATE TABLE event_outbox (
    id         bigserial   PRIMARY KEY,
    event      bytea       NOT NULL,
    created_at timestamptz NOT NULL
);
