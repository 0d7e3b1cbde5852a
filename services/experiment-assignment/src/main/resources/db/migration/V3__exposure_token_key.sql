-- The key that signs exposure tokens (HMAC-SHA256), shared by every replica. The first replica to need it stores a
-- random one (generated in the JVM by SecureRandom); the others read that.
CREATE TABLE exposure_token_key (
    id         smallint    PRIMARY KEY CHECK (id = 1),
    secret     bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
