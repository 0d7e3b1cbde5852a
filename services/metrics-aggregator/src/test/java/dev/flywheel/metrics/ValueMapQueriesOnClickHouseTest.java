package dev.flywheel.metrics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ValueMapQueriesTest} with ClickHouse as the event store. */
@QuarkusTest
@TestProfile(ClickHouseStoreProfile.class)
class ValueMapQueriesOnClickHouseTest extends ValueMapQueriesTest {
}
