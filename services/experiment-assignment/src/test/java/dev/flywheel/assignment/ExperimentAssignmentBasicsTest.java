package dev.flywheel.assignment;

import dev.flywheel.testsupport.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ExperimentAssignmentBasicsTest extends ServiceBasicsContract {

    @Override
    protected String schema() {
        return "experiment_assignment";
    }
}
