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
   * @param stages the stages to run, in order (the registry's plan for the spec); histories from
   *     before the registry hold them in lifecycle order instead, see the workflow's versioning
   * @param heartbeatTimeouts seconds per stage, from {@code resources}; absent in older histories
   */
  record ResolvedSpec(
      String experiment,
      long seed,
      String specJson,
      String specSha256,
      Map<String, String> taskQueues,
      String preferenceSource,
      List<String> stages,
      Map<String, Double> heartbeatTimeouts,
      Integer rounds) {

    /** Histories resolved before {@code rounds:} existed carry no value: one round. */
    public int roundCount() {
      return rounds == null ? 1 : rounds;
    }
  }

  /** @param tags extra run tags, e.g. {@code rlhf.sweep_id}; absent (null) in older histories */
  record StartInput(String experiment, String workflowId, String runId, String specJson, String specSha256,
      Map<String, String> tags) {
    public StartInput(String experiment, String workflowId, String runId, String specJson, String specSha256) {
      this(experiment, workflowId, runId, specJson, specSha256, null);
    }
  }

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
      String message,
      List<RoundFigures> rounds) {

    public FinishInput(StageContext ctx, Map<String, StageResult> stages, double wallSeconds, String status,
        String failedStage, String message) {
      this(ctx, stages, wallSeconds, status, failedStage, message, null);
    }
  }

  /**
   * One iterated-RLHF round's figures for summary.json, from its stages' own final metrics (no
   * per-round evaluation); a figure the stage did not report is null.
   *
   * @param oracleScore the round's PPO policy's oracle score at its last iteration ({@code ppo/final_oracle_score})
   * @param rmHeldoutAccuracy the round's RM's held-out agreement with the oracle, else with the labels, as
   *     summary.json's {@code rm_heldout_accuracy}
   * @param klToRef the round's PPO policy's KL to the SFT reference at its last iteration ({@code ppo/final_kl})
   */
  record RoundFigures(int round, Double oracleScore, Double rmHeldoutAccuracy, Double klToRef) {}

  /** The pipeline's result: summary.json's figures and where it is stored. */
  record Summary(Map<String, Object> figures, ArtifactRef summaryJson) {}

  @ActivityMethod(name = "ResolveSpec")
  ResolvedSpec resolveSpec(SpecSource source);

  @ActivityMethod(name = "StartPipelineRun")
  String startPipelineRun(StartInput input);

  @ActivityMethod(name = "FinishPipelineRun")
  Summary finishPipelineRun(FinishInput input);
}
