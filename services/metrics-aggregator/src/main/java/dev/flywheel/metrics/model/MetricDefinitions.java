package dev.flywheel.metrics.model;

import java.time.Duration;
import java.util.regex.Pattern;

import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.MetricType;
import dev.flywheel.service.grpc.RefusedRequest;

/** Checks an experiment metric's definition as a whole, naming the field of each problem. */
public final class MetricDefinitions {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final long MAX_WINDOW = Duration.ofDays(365).toSeconds();
    private static final int MAX_CUPED_DAYS = 60;

    private MetricDefinitions() {
    }

    /** The key, or an {@link RefusedRequest} when no metric could have it. */
    public static String key(String key) {
        if (!KEY.matcher(key).matches()) {
            throw RefusedRequest.invalid("key must match [a-z0-9][a-z0-9_.-]{0,63}");
        }
        return key;
    }

    /** The definition as stored (version cleared), or an {@link RefusedRequest} naming what is wrong. */
    public static ExperimentMetric validate(ExperimentMetric metric) {
        key(metric.getKey());
        if (metric.getName().length() > QueryMapper.MAX_NAME) {
            throw RefusedRequest.invalid("name is longer than " + QueryMapper.MAX_NAME + " characters");
        }
        MetricType type = metric.getType();
        if (type == MetricType.METRIC_TYPE_UNSPECIFIED || type == MetricType.UNRECOGNIZED) {
            throw RefusedRequest.invalid("type is required: conversion, count, sum, mean, ratio or retention");
        }
        if (!metric.hasEvents()) {
            throw RefusedRequest.invalid("events is required");
        }
        QueryMapper.match(metric.getEvents(), "events", true);
        String property = QueryMapper.property(metric.getProperty(), "property");
        if ((type == MetricType.METRIC_TYPE_SUM || type == MetricType.METRIC_TYPE_MEAN) && property == null) {
            throw RefusedRequest.invalid("property is required for a " + name(type) + " metric");
        }
        if (type == MetricType.METRIC_TYPE_RATIO) {
            if (!metric.hasDenominatorEvents()) {
                throw RefusedRequest.invalid("denominatorEvents is required for a ratio metric");
            }
            QueryMapper.match(metric.getDenominatorEvents(), "denominatorEvents", true);
            QueryMapper.property(metric.getDenominatorProperty(), "denominatorProperty");
        } else if (metric.hasDenominatorEvents() || !metric.getDenominatorProperty().isEmpty()) {
            throw RefusedRequest.invalid("denominatorEvents and denominatorProperty are for ratio metrics only");
        }
        if (metric.getWindowStartSeconds() < 0 || metric.getWindowStartSeconds() > MAX_WINDOW
                || metric.getWindowSeconds() < 0 || metric.getWindowSeconds() > MAX_WINDOW) {
            throw RefusedRequest.invalid("windowStartSeconds and windowSeconds are 0 to 365 days");
        }
        if (type == MetricType.METRIC_TYPE_RETENTION
                && (metric.getWindowStartSeconds() == 0 || metric.getWindowSeconds() == 0)) {
            throw RefusedRequest.invalid("a retention metric needs windowStartSeconds and windowSeconds "
                    + "(e.g. active 7 to 14 days after exposure)");
        }
        double cap = metric.getWinsorizePercentile();
        if (cap != 0 && !(cap >= 0.5 && cap <= 0.9999)) {
            throw RefusedRequest.invalid("winsorizePercentile is 0 (off) or 0.5 to 0.9999");
        }
        if (cap != 0 && (type == MetricType.METRIC_TYPE_CONVERSION || type == MetricType.METRIC_TYPE_RETENTION)) {
            throw RefusedRequest.invalid("winsorizePercentile applies to count, sum, mean and ratio metrics");
        }
        if (metric.getCupedDays() < 0 || metric.getCupedDays() > MAX_CUPED_DAYS) {
            throw RefusedRequest.invalid("cupedDays is 0 (off) to " + MAX_CUPED_DAYS);
        }
        if (metric.getCupedDays() > 0
                && (type == MetricType.METRIC_TYPE_RATIO || type == MetricType.METRIC_TYPE_MEAN)) {
            throw RefusedRequest.invalid("cupedDays applies to conversion, count, sum and retention metrics");
        }
        return metric.toBuilder().clearVersion().build();
    }

    private static String name(MetricType type) {
        return type.name().substring("METRIC_TYPE_".length()).toLowerCase();
    }
}
