-- Who is who: an anonymous id (from identify) or a previous id (from alias) linked to a user id. The first
-- link of an id wins; later conflicting links are ignored, so two identified users are never merged implicitly.
CREATE TABLE identity_link (
    project_id   varchar(64)  NOT NULL,
    from_id      varchar(255) NOT NULL,
    user_id      varchar(255) NOT NULL,
    via          varchar(16)  NOT NULL CHECK (via IN ('identify', 'alias')),
    created_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, from_id)
);

CREATE INDEX identity_link_user_idx ON identity_link (project_id, user_id);
