package dev.flywheel.metrics;

import java.util.List;
import java.util.Map;

import dev.flywheel.testsupport.ClickHouseResource;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The app with ClickHouse as its event store, on a real clickhouse-server of the tests' own: the analytics tests run
 * again under it (the *OnClickHouseTest classes), so both stores pass one contract.
 */
public class ClickHouseStoreProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("flywheel.aggregator.event-store.kind", "clickhouse");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ClickHouseResource.class));
    }
}
