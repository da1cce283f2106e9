package org.rlhfflow.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * The whole lifecycle as one workflow: collect preferences, SFT, reward model, PPO, evaluation.
 *
 * <pre>
 * temporal workflow start --type RlhfPipeline --task-queue rlhf-cpu \
 *     --input '{"specPath": "experiments/demo.yaml"}'
 * </pre>
 */
@WorkflowInterface
public interface RlhfPipelineWorkflow {

  /** Search attributes set on every pipeline; the worker registers them. */
  String SA_EXPERIMENT = "RlhfExperiment";
  String SA_STAGE = "RlhfStage";

  /**
   * @param specPath the experiment YAML, as the worker sees it
   * @param specYaml the YAML text itself, used when specPath is null
   * @param seed overrides the spec's seed
   * @param forceStages stages to recompute even when a completed run is cached ("all" for every stage)
   * @param tags extra tags of the pipeline's tracking run (a sweep's {@code rlhf.sweep_id}); null for none
   */
  record PipelineInput(String specPath, String specYaml, Long seed, List<String> forceStages,
      Map<String, String> tags) {
    public PipelineInput(String specPath, String specYaml, Long seed, List<String> forceStages) {
      this(specPath, specYaml, seed, forceStages, null);
    }
  }

  record PipelineResult(
      String experiment,
      String specSha256,
      Map<String, StageResult> stages,
      Map<String, Object> summary,
      ArtifactRef summaryJson) {}

  /**
   * @param stage the stage running now, or "done" / "failed" / "cancelled"
   * @param completed stages finished so far, in order
   * @param reused the completed stages that were found in the cache instead of recomputed
   * @param planned every stage this run will execute, in order
   */
  record Progress(
      String experiment, String stage, List<String> completed, List<String> reused, List<String> planned) {}

  @WorkflowMethod(name = "RlhfPipeline")
  PipelineResult run(PipelineInput input);

  @QueryMethod(name = "progress")
  Progress progress();
}
