package org.rlhfflow.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.w2s.W2sActivities.TrainResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * The weak-to-strong sweep (Burns et al. 2023) as one workflow: for every seed, weak supervisors,
 * strong ceilings and weak-to-strong students, each a durable training activity, fanned out.
 *
 * <pre>
 * temporal workflow start --type WeakToStrong --task-queue rlhf-cpu \
 *     --input '{"specPath": "experiments/w2s.yaml"}'
 * </pre>
 */
@WorkflowInterface
public interface WeakToStrongWorkflow {

  /**
   * @param specPath the experiment YAML, as the worker sees it
   * @param specYaml the YAML text itself, used when specPath is null
   * @param seed overrides the spec's seed (the first of w2s.seeds seeds)
   * @param forceStages w2s_data, w2s_train or all: recompute even when cached
   */
  record W2sInput(String specPath, String specYaml, Long seed, List<String> forceStages) {}

  record W2sResult(String experiment, String specSha256, List<TrainResult> runs, Map<String, Object> summary,
      ArtifactRef summaryJson, ArtifactRef report) {}

  /**
   * @param stage plan, data, train, report, done, failed or cancelled
   * @param finished training runs finished so far
   * @param planned training runs the sweep has
   * @param reused finished runs found in the cache
   */
  record Progress(String experiment, String stage, int finished, int planned, int reused) {}

  @WorkflowMethod(name = "WeakToStrong")
  W2sResult run(W2sInput input);

  @QueryMethod(name = "progress")
  Progress progress();
}
