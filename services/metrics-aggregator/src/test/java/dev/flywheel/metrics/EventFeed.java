package dev.flywheel.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.testsupport.EmbeddedKafka;

/** Builds events the way event-collector publishes them and sends them to the real broker. */
final class EventFeed implements AutoCloseable {

    static final String TOPIC = "flywheel.events.v1";

    private final KafkaProducer<String, byte[]> producer;
    private final String project;
    private final String environment;

    EventFeed(String project, String environment) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
        this.project = project;
        this.environment = environment;
    }

    Event.Builder track(String distinctId, String name, Instant at, Map<String, Object> properties) {
        return base(distinctId, at).setType(EventType.EVENT_TYPE_TRACK).setName(name).setUserId(distinctId)
                .setProperties(ProtoValues.toStruct(properties));
    }

    /** A track call of an anonymous visitor. */
    Event.Builder anonymous(String anonymousId, String name, Instant at) {
        return base(anonymousId, at).setType(EventType.EVENT_TYPE_TRACK).setName(name).setAnonymousId(anonymousId);
    }

    /** identify(userId) sent by a browser that knew the visitor as anonymousId. */
    Event.Builder identify(String anonymousId, String userId, Instant at, Map<String, Object> traits) {
        return base(userId, at).setType(EventType.EVENT_TYPE_IDENTIFY).setUserId(userId).setAnonymousId(anonymousId)
                .setTraits(ProtoValues.toStruct(traits));
    }

    /** An exposure as experiment-assignment sends it. */
    Event.Builder exposure(String unit, String experiment, int variation, Instant at) {
        return base(unit, at).setType(EventType.EVENT_TYPE_TRACK).setName("$exposure")
                .setSource(EventSource.EVENT_SOURCE_INTERNAL).setProperties(ProtoValues.toStruct(Map.of(
                        "experiment_key", experiment, "variation_key", variation == 0 ? "control" : "treatment",
                        "variation_index", variation, "hash_attribute", "id", "hash_value", unit,
                        "variation_weights", List.of(0.5, 0.5))));
    }

    private Event.Builder base(String distinctId, Instant at) {
        return Event.newBuilder().setEventId(UUID.randomUUID().toString()).setMessageId(UUID.randomUUID().toString())
                .setScope(Scope.newBuilder().setProjectId(project).setEnvironment(environment))
                .setDistinctId(distinctId).setTimestamp(ProtoValues.timestamp(at))
                .setReceivedAt(ProtoValues.timestamp(at)).setSource(EventSource.EVENT_SOURCE_REST);
    }

    /** Sends and waits for the broker's acknowledgement. */
    EventFeed send(Event.Builder... events) {
        return send(TOPIC, events);
    }

    EventFeed send(String topic, Event.Builder... events) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (Event.Builder builder : events) {
            Event event = builder.build();
            acks.add(producer.send(new ProducerRecord<>(topic, project + "/" + event.getDistinctId(),
                    event.toByteArray())));
        }
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("the broker refused a test event", e);
            }
        }
        return this;
    }

    /** Sends raw bytes that are not an Event. */
    void sendGarbage(byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, project + "/garbage", value)).get();
    }

    /** Sends one record that no consumer may miss to every partition of the topic: a marker of "all before". */
    int sendToEveryPartition(Event.Builder marker) throws Exception {
        Event event = marker.build();
        var partitions = producer.partitionsFor(TOPIC);
        for (var partition : partitions) {
            producer.send(new ProducerRecord<>(TOPIC, partition.partition(), project + "/marker",
                    event.toBuilder().setMessageId(event.getMessageId() + "-" + partition.partition()).build()
                            .toByteArray()))
                    .get();
        }
        return partitions.size();
    }

    @Override
    public void close() {
        producer.close();
    }
}
