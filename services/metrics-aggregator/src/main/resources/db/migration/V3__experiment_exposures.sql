-- Experiment exposures (ADR 0006): each unit's first exposure per experiment, and the units per variation that the
-- sample-ratio check and every result start from. The earliest exposure (by time, then message id) wins, so
-- replays and reordered partitions converge; a unit whose earliest exposure moves to another variation moves
-- its count with it.
CREATE TABLE experiment_exposure (
    project_id      text        NOT NULL,
    environment     text        NOT NULL,
    experiment_key  text        NOT NULL,
    unit_id         text        NOT NULL,
    variation_index integer     NOT NULL,
    variation_key   text        NOT NULL,
    exposed_at      timestamptz NOT NULL,
    message_id      text        NOT NULL,
    PRIMARY KEY (project_id, environment, experiment_key, unit_id)
);

CREATE TABLE experiment_variation (
    project_id      text    NOT NULL,
    environment     text    NOT NULL,
    experiment_key  text    NOT NULL,
    variation_index integer NOT NULL,
    variation_key   text    NOT NULL,
    units           bigint  NOT NULL,
    PRIMARY KEY (project_id, environment, experiment_key, variation_index)
);
