package dev.flywheel.sdk;

import java.util.AbstractMap;

/**
 * A map of attributes whose values are already what a protobuf Struct gives (numbers as Double, nested maps and
 * lists likewise), so the client evaluates with it as it is; adapters that convert lazily (the OpenFeature provider)
 * extend it.
 */
public abstract class Attributes extends AbstractMap<String, Object> {
}
