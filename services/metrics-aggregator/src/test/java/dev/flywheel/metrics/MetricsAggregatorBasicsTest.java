package dev.flywheel.metrics;

import dev.flywheel.testsupport.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class MetricsAggregatorBasicsTest extends ServiceBasicsContract {

    @Override
    protected String schema() {
        return "metrics_aggregator";
    }
}
