-- Results over time: each experiment metric's per-variation sums as they stood at the end of each day (in the
-- project's time zone). The maintenance job keeps today's row current; past days keep their last snapshot.
CREATE TABLE experiment_metric_daily (
    project_id      text             NOT NULL,
    environment     text             NOT NULL,
    experiment_key  text             NOT NULL,
    metric_key      text             NOT NULL,
    variation_index integer          NOT NULL,
    day             date             NOT NULL,
    units           bigint           NOT NULL,
    sum_x           double precision NOT NULL,
    sum_xx          double precision NOT NULL,
    sum_y           double precision NOT NULL,
    sum_yy          double precision NOT NULL,
    sum_xy          double precision NOT NULL,
    sum_p           double precision NOT NULL,
    sum_pp          double precision NOT NULL,
    sum_xp          double precision NOT NULL,
    snapshot_at     timestamptz      NOT NULL,
    PRIMARY KEY (project_id, environment, experiment_key, metric_key, day, variation_index)
);
