-- The metrics_aggregator schema is created by Flyway (quarkus.flyway.schemas); the service's tables arrive
-- with its capability in later migrations. This records the schema's owner for operators.
COMMENT ON SCHEMA metrics_aggregator IS 'Owned by the Flywheel metrics-aggregator service';
