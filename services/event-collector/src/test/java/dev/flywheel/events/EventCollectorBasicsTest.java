package dev.flywheel.events;

import dev.flywheel.testsupport.ServiceBasicsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class EventCollectorBasicsTest extends ServiceBasicsContract {

    @Override
    protected String schema() {
        return "event_collector";
    }
}
