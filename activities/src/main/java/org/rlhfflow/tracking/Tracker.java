package org.rlhfflow.tracking;

import java.nio.file.Path;
import java.util.Map;

/**
 * Experiment tracking: one parent run per pipeline, one nested run per stage. Implemented over the
 * MLflow tracking server and over local files for the embedded default. Metric names are stable
 * and slash-namespaced ({@code sft/loss}, {@code ppo/objective/kl}).
 */
public interface Tracker extends AutoCloseable {

  /**
   * Creates a run (or returns the existing one with this name under the parent, so a retried
   * activity keeps its run). {@code parentRunId} is null for the pipeline's parent run.
   */
  String startRun(String experiment, String runName, String parentRunId, Map<String, String> tags);

  void logParams(String runId, Map<String, String> params);

  void logMetric(String runId, String key, double value, long step);

  void setTags(String runId, Map<String, String> tags);

  /** Uploads a file (a report, a plot) into the run's artifacts under {@code artifactPath}. */
  void logArtifact(String runId, Path file, String artifactPath);

  /** Records the datasets the run read (MLflow's dataset inputs); trackers without them ignore it. */
  default void logInputs(String runId, java.util.List<DatasetInput> datasets) {}

  /**
   * Registers {@code source} as a new version of the registered model {@code modelName} (created if
   * absent), linked to {@code runId} and tagged with {@code tags}.
   *
   * @return the version number, or null when the tracker has no model registry
   */
  default String registerModelVersion(String modelName, String source, String runId, Map<String, String> tags) {
    return null;
  }

  /** Ends the run with FINISHED, FAILED or KILLED. */
  void endRun(String runId, String status);

  @Override
  default void close() {}
}
