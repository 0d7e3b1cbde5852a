-- The feature_flags schema is created by Flyway (quarkus.flyway.schemas); the service's tables arrive
-- with its capability in later migrations. This records the schema's owner for operators.
COMMENT ON SCHEMA feature_flags IS 'Owned by the Flywheel feature-flags service';
