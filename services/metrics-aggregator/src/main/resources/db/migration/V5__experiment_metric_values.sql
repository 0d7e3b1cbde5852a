-- Experiment metrics from maintained statistics (ADR 0006). Each exposed unit's value per metric is recomputed
-- from its own events whenever its events or its exposure change, and the difference goes into the per-variation
-- sums that results read, in the same transaction.

-- A unit's events, by time: what recomputing one unit's values reads.
CREATE INDEX event_by_distinct_id ON event (project_id, environment, distinct_id, ts);
-- A unit's exposures across experiments.
CREATE INDEX experiment_exposure_by_unit ON experiment_exposure (project_id, environment, unit_id);

-- When the experiment's first and latest exposures happened: its traffic per day, for days-to-significance.
ALTER TABLE experiment_variation
    ADD COLUMN first_exposed_at timestamptz,
    ADD COLUMN last_exposed_at  timestamptz;

-- Where a metric's backfill over the already exposed units has reached ('' to start, NULL when done). A new or
-- changed definition starts one.
ALTER TABLE experiment_metric ADD COLUMN rebuild_cursor text DEFAULT '';

-- One unit's value of one metric in one experiment: value (the numerator of ratio and mean metrics), denominator
-- (ratio and mean metrics) and pre (the CUPED covariate: the same metric before first exposure).
CREATE TABLE experiment_unit_metric (
    project_id      text             NOT NULL,
    environment     text             NOT NULL,
    experiment_key  text             NOT NULL,
    metric_key      text             NOT NULL,
    unit_id         text             NOT NULL,
    variation_index integer          NOT NULL,
    value           double precision NOT NULL,
    denominator     double precision NOT NULL,
    pre             double precision NOT NULL,
    PRIMARY KEY (project_id, environment, experiment_key, metric_key, unit_id)
);

-- Sufficient statistics per variation: x the value, y the denominator, p the pre-exposure value.
CREATE TABLE experiment_metric_stats (
    project_id      text             NOT NULL,
    environment     text             NOT NULL,
    experiment_key  text             NOT NULL,
    metric_key      text             NOT NULL,
    variation_index integer          NOT NULL,
    units           bigint           NOT NULL,
    sum_x           double precision NOT NULL,
    sum_xx          double precision NOT NULL,
    sum_y           double precision NOT NULL,
    sum_yy          double precision NOT NULL,
    sum_xy          double precision NOT NULL,
    sum_p           double precision NOT NULL,
    sum_pp          double precision NOT NULL,
    sum_xp          double precision NOT NULL,
    PRIMARY KEY (project_id, environment, experiment_key, metric_key, variation_index)
);

-- The same sums with each unit's value (and pre value) capped at the cap: winsorised metrics, recomputed
-- periodically because the cap moves as values arrive.
CREATE TABLE experiment_metric_capped (
    project_id      text             NOT NULL,
    environment     text             NOT NULL,
    experiment_key  text             NOT NULL,
    metric_key      text             NOT NULL,
    variation_index integer          NOT NULL,
    cap             double precision NOT NULL,
    computed_at     timestamptz      NOT NULL,
    units           bigint           NOT NULL,
    sum_x           double precision NOT NULL,
    sum_xx          double precision NOT NULL,
    sum_y           double precision NOT NULL,
    sum_yy          double precision NOT NULL,
    sum_xy          double precision NOT NULL,
    sum_p           double precision NOT NULL,
    sum_pp          double precision NOT NULL,
    sum_xp          double precision NOT NULL,
    PRIMARY KEY (project_id, environment, experiment_key, metric_key, variation_index)
);
