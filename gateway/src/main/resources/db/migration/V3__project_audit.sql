-- Who changed what the gateway itself owns in a project: keys, settings, environments, members, invitations.
-- (Flags, experiments, surveys and metrics keep their own audit trails in their services.)
CREATE TABLE project_audit (
    id         bigserial PRIMARY KEY,
    project_id uuid NOT NULL REFERENCES project (id),
    actor      varchar(400) NOT NULL,
    action     varchar(64) NOT NULL,
    target     varchar(400) NOT NULL,
    detail     jsonb NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX project_audit_project_idx ON project_audit (project_id, id DESC);
