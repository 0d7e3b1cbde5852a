-- The split each experiment asked for, as its latest exposure carried it: what the sample-ratio check expects.
CREATE TABLE experiment_split (
    project_id      text               NOT NULL,
    environment     text               NOT NULL,
    experiment_key  text               NOT NULL,
    weights         double precision[] NOT NULL,
    as_of           timestamptz        NOT NULL,
    message_id      text               NOT NULL,
    PRIMARY KEY (project_id, environment, experiment_key)
);

-- The metrics experiments are judged on, per project: flywheel.analytics.v1.ExperimentMetric as protobuf bytes.
CREATE TABLE experiment_metric (
    project_id   text        NOT NULL,
    metric_key   text        NOT NULL,
    definition   bytea       NOT NULL,
    version      bigint      NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (project_id, metric_key)
);
