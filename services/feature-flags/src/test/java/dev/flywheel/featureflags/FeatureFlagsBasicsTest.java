package dev.flywheel.featureflags;

import dev.flywheel.testsupport.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class FeatureFlagsBasicsTest extends ServiceBasicsContract {

    @Override
    protected String schema() {
        return "feature_flags";
    }
}
