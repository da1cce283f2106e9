package org.rlhfflow.tracking;

import java.util.Map;
import java.util.TreeMap;

/**
 * A local run's {@code meta.json}.
 *
 * @param parentRunId null for a top-level run
 * @param status RUNNING, FINISHED, FAILED or KILLED
 * @param startTime epoch millis of the first start (a retry keeps it)
 * @param endTime epoch millis of the end, 0 while running
 */
public record RunMeta(
    String runId,
    String experiment,
    String name,
    String parentRunId,
    TreeMap<String, String> tags,
    String status,
    long startTime,
    long endTime) {

  public RunMeta {
    tags = tags == null ? new TreeMap<>() : new TreeMap<>(tags);
  }

  RunMeta withTags(Map<String, String> more) {
    TreeMap<String, String> t = new TreeMap<>(tags);
    t.putAll(more);
    return new RunMeta(runId, experiment, name, parentRunId, t, status, startTime, endTime);
  }

  RunMeta withStatus(String newStatus, long newEndTime) {
    return new RunMeta(
        runId, experiment, name, parentRunId, tags, newStatus, startTime, newEndTime);
  }
}
