package dev.flywheel.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real KRaft broker per test JVM, started on first use and stopped when the JVM exits, so every test of a module
 * shares it. When {@code KAFKA_BOOTSTRAP} is set, that broker is used instead and nothing is started.
 */
public final class EmbeddedKafka {

    private static KafkaClusterTestKit cluster;
    private static String bootstrapServers;

    private EmbeddedKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers != null) {
            return bootstrapServers;
        }
        String external = InfrastructureSettings.externalKafkaBootstrap();
        if (external != null) {
            bootstrapServers = external;
            return bootstrapServers;
        }
        try {
            Path dataDir = Files.createTempDirectory("flywheel-kafka-");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .setBaseDirectory(dataDir)
                    .build();
            KafkaClusterTestKit started = new KafkaClusterTestKit.Builder(nodes)
                    // A single broker cannot hold three replicas of the internal topics.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", "4")
                    .setDeleteOnClose(true)
                    .build();
            started.format();
            started.startup();
            started.waitForReadyBrokers();
            cluster = started;
            bootstrapServers = started.bootstrapServers();
            Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedKafka::stop, "embedded-kafka-stop"));
            return bootstrapServers;
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the in-process Kafka broker", e);
        }
    }

    private static synchronized void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception ignored) {
                // The JVM is exiting; the data directory is temporary.
            }
            cluster = null;
        }
    }
}
