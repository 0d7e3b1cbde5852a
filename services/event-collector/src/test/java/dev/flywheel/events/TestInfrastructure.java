package dev.flywheel.events;

import dev.flywheel.testsupport.KafkaBrokerResource;
import dev.flywheel.testsupport.KeyDirectoryResource;
import dev.flywheel.testsupport.PostgresDatabaseResource;
import dev.flywheel.testsupport.RedisIsolationResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The real infrastructure every test of this module shares: one app start, one database, one Kafka broker, the test key
 * directory.
 */
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = RedisIsolationResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KeyDirectoryResource.class, scope = TestResourceScope.GLOBAL)
public final class TestInfrastructure {
}
