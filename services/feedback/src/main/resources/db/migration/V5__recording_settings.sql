-- Per project: how long recordings are kept (ADR 0012); no row: the service's default.
CREATE TABLE recording_settings (
    project_id     text        PRIMARY KEY,
    retention_days integer     NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
