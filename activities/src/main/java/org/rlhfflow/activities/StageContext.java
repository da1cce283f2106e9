package org.rlhfflow.activities;

import java.util.List;

/**
 * What every stage activity needs to know about its pipeline. Small on purpose: the resolved spec
 * is a few KB of JSON, everything else is an id.
 *
 * @param experiment experiment name (the MLflow experiment)
 * @param workflowId the pipeline's workflow id, for tags and deterministic names
 * @param parentRunId the pipeline's tracking run; each stage makes a nested run under it
 * @param specJson the resolved experiment spec, canonical JSON
 * @param specSha256 sha256 of {@code specJson}
 * @param forceStages stages to run again even if a completed run with the same cache key exists
 */
public record StageContext(
    String experiment,
    String workflowId,
    String parentRunId,
    String specJson,
    String specSha256,
    List<String> forceStages) {

  public boolean forced(String stage) {
    return forceStages != null && (forceStages.contains(stage) || forceStages.contains("all"));
  }
}
