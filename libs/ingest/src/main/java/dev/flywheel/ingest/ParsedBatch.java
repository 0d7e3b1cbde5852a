package dev.flywheel.ingest;

import java.util.List;

import dev.flywheel.proto.events.v1.Event;

/** The outcome of reading one request: events ready to publish and rejections for the dead-letter topic. */
public record ParsedBatch(List<Event> events, List<Rejection> rejections) {
}
