package dev.flywheel.service.health;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.flywheel.service.health.HealthConfig.Dependency;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The state of each dependency an app uses, probed in the background (one round trip each, every second, with a
 * deadline) so that health answers at once and request paths can fail fast, or degrade, while one is known to be
 * down instead of waiting on it. A dependency counts as up until a probe says otherwise.
 */
@ApplicationScoped
public class Dependencies {

    private static final Logger LOG = Logger.getLogger(Dependencies.class);

    /** One dependency's last known state: since when, and why it is down. */
    public record State(boolean up, Instant since, String detail) {
    }

    private final HealthConfig config;
    private final Vertx vertx;
    private final Instance<Pool> postgres;
    private final Instance<ReactiveRedisDataSource> redis;
    private final String kafkaBootstrap;
    private final Map<Dependency, State> states = new EnumMap<>(Dependency.class);
    private final Map<Dependency, Boolean> probing = new EnumMap<>(Dependency.class);
    private Admin kafka;
    private long timer = -1;

    public Dependencies(HealthConfig config, Vertx vertx, Instance<Pool> postgres,
            Instance<ReactiveRedisDataSource> redis,
            @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "") String kafkaBootstrap) {
        this.config = config;
        this.vertx = vertx;
        this.postgres = postgres;
        this.redis = redis;
        this.kafkaBootstrap = kafkaBootstrap;
        Instant now = Instant.now();
        config.probed().forEach(dependency -> states.put(dependency, new State(true, now, "not probed yet")));
    }

    void start(@Observes StartupEvent ignored) {
        if (config.probed().contains(Dependency.KAFKA) && !kafkaBootstrap.isBlank()) {
            Properties properties = new Properties();
            properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
            properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) config.timeout().toMillis());
            properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.timeout().toMillis());
            properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
            properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "flywheel-health");
            kafka = Admin.create(properties);
        }
        probeAll();
        timer = vertx.setPeriodic(config.interval().toMillis(), id -> probeAll());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (kafka != null) {
            kafka.close(Duration.ofSeconds(1));
        }
    }

    /** Every probed dependency's state. */
    public synchronized Map<Dependency, State> states() {
        return Map.copyOf(states);
    }

    /** Whether a probe found the dependency down (an unprobed dependency is never down). */
    public synchronized boolean down(Dependency dependency) {
        State state = states.get(dependency);
        return state != null && !state.up();
    }

    private void probeAll() {
        for (Dependency dependency : config.probed()) {
            synchronized (this) {
                if (Boolean.TRUE.equals(probing.get(dependency))) {
                    continue; // the last probe has not answered yet: its deadline will say so
                }
                probing.put(dependency, true);
            }
            probe(dependency).ifNoItem().after(config.timeout()).fail()
                    .subscribe().with(ok -> record(dependency, null),
                            failure -> record(dependency, failure.toString()));
        }
    }

    private Uni<Void> probe(Dependency dependency) {
        return switch (dependency) {
            case POSTGRESQL -> postgres.isResolvable()
                    ? postgres.get().query("SELECT 1").execute().replaceWithVoid()
                    : Uni.createFrom().voidItem();
            case REDIS -> redis.isResolvable()
                    ? redis.get().execute("PING").replaceWithVoid()
                    : Uni.createFrom().voidItem();
            case KAFKA -> kafka == null
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom().completionStage(() -> kafka.describeCluster(new DescribeClusterOptions()
                            .timeoutMs((int) config.timeout().toMillis())).nodes().toCompletionStage())
                            .map(nodes -> {
                                if (nodes.isEmpty()) {
                                    throw new IllegalStateException("no Kafka broker answers");
                                }
                                return nodes;
                            }).replaceWithVoid();
        };
    }

    private synchronized void record(Dependency dependency, String failure) {
        probing.put(dependency, false);
        State previous = states.get(dependency);
        boolean up = failure == null;
        if (previous == null || previous.up() != up) {
            if (up) {
                LOG.infof("%s is reachable again", dependency);
            } else {
                LOG.warnf("%s is unreachable: %s", dependency, failure);
            }
            states.put(dependency, new State(up, Instant.now(), up ? "reachable" : failure));
        }
    }
}
