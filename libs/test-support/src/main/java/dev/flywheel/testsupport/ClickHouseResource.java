package dev.flywheel.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points a Quarkus app under test at the real ClickHouse server the test JVM shares ({@link ClickHouseServer}). */
public class ClickHouseResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("flywheel.aggregator.event-store.clickhouse.url", ClickHouseServer.sharedUrl());
    }

    @Override
    public void stop() {
        // The server lives as long as the test JVM so the module's tests share it.
    }
}
