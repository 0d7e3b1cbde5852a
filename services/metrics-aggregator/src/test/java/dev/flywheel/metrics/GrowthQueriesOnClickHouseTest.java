package dev.flywheel.metrics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link GrowthQueriesTest} with ClickHouse as the event store. */
@QuarkusTest
@TestProfile(ClickHouseStoreProfile.class)
class GrowthQueriesOnClickHouseTest extends GrowthQueriesTest {
}
