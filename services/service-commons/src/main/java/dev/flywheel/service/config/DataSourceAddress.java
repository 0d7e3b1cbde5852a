package dev.flywheel.service.config;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Where the service's PostgreSQL is, for the connections that listen for notifications beside the pool. */
public record DataSourceAddress(String reactiveUrl, String user, String password) {

    /** Produces the address from the datasource's own settings. */
    @ApplicationScoped
    public static class Producer {

        // a record cannot be proxied, so the address is a singleton rather than a normal-scoped bean
        @Produces
        @Singleton
        DataSourceAddress address(@ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                @ConfigProperty(name = "quarkus.datasource.username") String user,
                @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
            return new DataSourceAddress(url, user, password.orElse(""));
        }
    }
}
