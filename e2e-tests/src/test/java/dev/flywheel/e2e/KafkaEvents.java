package dev.flywheel.e2e;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.proto.events.v1.DeadLetter;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.testsupport.TopicReader;

/** What really landed on the platform's Kafka topics for one project. */
final class KafkaEvents {

    private KafkaEvents() {
    }

    /** Events of the project matching the filter; waits until {@code expected} are there (or the timeout). */
    static List<Event> events(String project, Predicate<Event> filter, int expected, Duration timeout) {
        return TopicReader.read(Platform.kafkaBootstrap(), "flywheel.events.v1",
                record -> record.key() != null && record.key().startsWith(project + "/")
                        && filter.test(parse(record.value())),
                expected, timeout).stream().map(record -> parse(record.value())).toList();
    }

    /** Reads for the whole timeout, to prove nothing more than what is there arrived. */
    static List<Event> allEvents(String project, Predicate<Event> filter, Duration settle) {
        return events(project, filter, Integer.MAX_VALUE, settle);
    }

    static List<DeadLetter> deadLetters(String project, int expected, Duration timeout) {
        return TopicReader.read(Platform.kafkaBootstrap(), "flywheel.events.dlq.v1",
                record -> project.equals(record.key()), expected, timeout).stream().map(record -> {
                    try {
                        return DeadLetter.parseFrom(record.value());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }

    private static Event parse(byte[] value) {
        try {
            return Event.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("not an Event on flywheel.events.v1", e);
        }
    }
}
