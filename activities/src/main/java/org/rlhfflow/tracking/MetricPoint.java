package org.rlhfflow.tracking;

/** One logged metric value: a line of {@code metrics.jsonl}. */
public record MetricPoint(String key, double value, long step, long timestamp) {}
