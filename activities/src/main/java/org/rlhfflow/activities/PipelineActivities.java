package org.rlhfflow.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;
import org.rlhfflow.store.ArtifactRef;

/** Bookkeeping around the stages: resolving the spec, and the pipeline's parent tracking run. */
@ActivityInterface
public interface PipelineActivities {

  /**
   * Loads and validates the spec. Bad specs fail here, non-retryably, with the file, line and key.
   *
   * @param path a YAML file on the worker (relative paths from the worker's directory)
   * @param yaml the YAML text itself; used when {@code path} is null
   * @param seed overrides the spec's seed when not null
   */
  record SpecSource(String path, String yaml, Long seed) {}

  /**
   * @param taskQueues the task queue of each stage, from the spec's {@code resources}
   * @param preferenceSource simulated, dataset, human or ai
   * @param method ppo, dpo, grpo or rloo; null in histories recorded before methods existed (ppo)
   */
  record ResolvedSpec(
      String experiment,
      long seed,
      String specJson,
      String specSha256,
      Map<String, String> taskQueues,
      String preferenceSource,
      List<String> stages,
      String method) {

    /** A PPO pipeline's spec. */
    public ResolvedSpec(String experiment, long seed, String specJson, String specSha256,
        Map<String, String> taskQueues, String preferenceSource, List<String> stages) {
      this(experiment, seed, specJson, specSha256, taskQueues, preferenceSource, stages, null);
    }

    /** The method, {@code ppo} when unset. */
    public String methodOrPpo() {
      return method == null ? Stage.PPO : method;
    }
  }

  record StartInput(String experiment, String workflowId, String runId, String specJson, String specSha256) {}

  /**
   * @param status FINISHED, FAILED or KILLED
   * @param failedStage the stage that failed, or null
   * @param message the failure, or null
   */
  record FinishInput(
      StageContext ctx,
      Map<String, StageResult> stages,
      double wallSeconds,
      String status,
      String failedStage,
      String message) {}

  /** The pipeline's result: summary.json's figures and where it is stored. */
  record Summary(Map<String, Object> figures, ArtifactRef summaryJson) {}

  @ActivityMethod(name = "ResolveSpec")
  ResolvedSpec resolveSpec(SpecSource source);

  @ActivityMethod(name = "StartPipelineRun")
  String startPipelineRun(StartInput input);

  @ActivityMethod(name = "FinishPipelineRun")
  Summary finishPipelineRun(FinishInput input);
}
