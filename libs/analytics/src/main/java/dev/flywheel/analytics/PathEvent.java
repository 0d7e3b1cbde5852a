package dev.flywheel.analytics;

/**
 * One event of a person's timeline as paths see it.
 *
 * @param atMillis
 *            event time
 * @param label
 *            what the path shows for it: the event's name, a page's URL or a screen's name
 */
public record PathEvent(long atMillis, String label) {
}
