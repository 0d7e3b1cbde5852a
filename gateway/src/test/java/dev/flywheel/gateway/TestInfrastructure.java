package dev.flywheel.gateway;

import dev.flywheel.testsupport.PostgresDatabaseResource;
import dev.flywheel.testsupport.RedisIsolationResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * The real infrastructure every test of this module shares: one app start, one fresh database, and
 * a real Keycloak as the single sign-on provider.
 */
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = RedisIsolationResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KeycloakResource.class, scope = TestResourceScope.GLOBAL)
public final class TestInfrastructure {
}
