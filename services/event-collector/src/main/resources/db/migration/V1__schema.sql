-- The event_collector schema is created by Flyway (quarkus.flyway.schemas); the service's tables arrive
-- with its capability in later migrations. This records the schema's owner for operators.
COMMENT ON SCHEMA event_collector IS 'Owned by the Flywheel event-collector service';
