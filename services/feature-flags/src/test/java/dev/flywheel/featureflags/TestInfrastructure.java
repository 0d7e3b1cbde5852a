package dev.flywheel.featureflags;

import dev.flywheel.testsupport.KeyDirectoryResource;
import dev.flywheel.testsupport.PostgresDatabaseResource;
import dev.flywheel.testsupport.RedisIsolationResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;

/**
 * The real infrastructure every test of this module shares: one app start, one fresh database, the
 * test key directory standing in for the gateway's AuthService.
 */
@WithTestResource(value = PostgresDatabaseResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = RedisIsolationResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KeyDirectoryResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KubernetesServerTestResource.class, scope = TestResourceScope.GLOBAL)
public final class TestInfrastructure {
}
