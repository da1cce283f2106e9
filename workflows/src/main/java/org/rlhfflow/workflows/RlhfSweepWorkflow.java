package org.rlhfflow.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;

/**
 * A grid of pipelines: one child {@code RlhfPipeline} per point of the grid over a base spec.
 *
 * <pre>
 * rlhf sweep experiments/demo.yaml --grid ppo.kl_coef=0.05,0.1 --grid seed=0,1 --parallel 2
 * </pre>
 */
@WorkflowInterface
public interface RlhfSweepWorkflow {

  /**
   * @param specYaml the base spec's text
   * @param source the base spec's file name, for error messages
   * @param grid {@code KEY=V1,V2,...} per axis
   * @param parallel at most this many points run at once (at least 1)
   * @param forceStages passed to every point's pipeline
   */
  record SweepInput(String specYaml, String source, List<String> grid, int parallel, List<String> forceStages) {}

  /**
   * @param status FINISHED or FAILED
   * @param summary the pipeline's summary figures; empty when it failed
   * @param error the failure, or null
   */
  record PointResult(String label, Map<String, String> overrides, String workflowId, String status,
      Map<String, Object> summary, String error) {}

  record SweepResult(String sweepId, List<PointResult> points) {}

  /** @param running the workflow ids of the points running now */
  record SweepProgress(int points, int finished, List<String> running) {}

  @WorkflowMethod(name = "RlhfSweep")
  SweepResult run(SweepInput input);

  @QueryMethod(name = "progress")
  SweepProgress progress();
}
