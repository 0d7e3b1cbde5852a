package dev.flywheel.feedback;

import dev.flywheel.testsupport.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class FeedbackBasicsTest extends ServiceBasicsContract {

    @Override
    protected String schema() {
        return "feedback";
    }
}
