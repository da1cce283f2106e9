package org.rlhfflow.workflows;

import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.rlhfflow.activities.PipelineActivities.ResolvedSpec;
import org.rlhfflow.activities.Stage;
import org.rlhfflow.activities.StageActivities.EvaluateActivities;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageInputs.EvaluateInput;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.dpo.DpoActivities;
import org.rlhfflow.activities.dpo.DpoInput;
import org.rlhfflow.activities.grpo.GroupPolicyInput;
import org.rlhfflow.activities.grpo.GrpoActivities;
import org.rlhfflow.activities.grpo.RlooActivities;
import org.rlhfflow.store.ArtifactRef;

/**
 * The policy stage of {@code method: dpo | grpo | rloo} and the evaluation after it, in place of
 * PPO. Orchestration only: DPO reads the preferences and needs no reward model; GRPO and RLOO read
 * the reward model, or none with verifier rewards. Until the stage registry (issue 8) composes
 * pipelines from {@code method:}, {@link RlhfPipelineWorkflowImpl} calls this after its shared
 * stages.
 */
final class MethodStages {
  /** Marks histories that ran a non-PPO method; PPO pipelines keep their command sequence. */
  static final String CHANGE_ID = "method-stages";

  private MethodStages() {}

  /**
   * @param runStage the workflow's stage runner (progress, search attributes, results)
   * @param prefs the collect stage's output, or null when the method reads none
   * @param rewardModel the reward model, or null (DPO, verifier rewards)
   */
  static void run(ResolvedSpec spec, StageContext ctx, ArtifactRef sftModel, ArtifactRef prefs,
      ArtifactRef rewardModel, BiFunction<String, Supplier<StageResult>, StageResult> runStage) {
    Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1);
    String method = spec.methodOrPpo();
    List<String> stages = spec.stages();
    if (!stages.contains(method)) {
      return;
    }
    Map<String, String> queues = spec.taskQueues();
    var options = StageOptions.ppo(queues.getOrDefault(method, queues.get(Stage.PPO)));
    StageResult result = switch (method) {
      case Stage.DPO -> runStage.apply(method, () -> Workflow.newActivityStub(DpoActivities.class, options)
          .dpo(new DpoInput(ctx, sftModel, prefs)));
      case Stage.GRPO -> runStage.apply(method, () -> Workflow.newActivityStub(GrpoActivities.class, options)
          .grpo(new GroupPolicyInput(ctx, sftModel, rewardModel)));
      case Stage.RLOO -> runStage.apply(method, () -> Workflow.newActivityStub(RlooActivities.class, options)
          .rloo(new GroupPolicyInput(ctx, sftModel, rewardModel)));
      default -> throw new IllegalStateException("no policy stage for method " + method);
    };
    if (stages.contains(Stage.EVALUATE)) {
      var eval = Workflow.newActivityStub(EvaluateActivities.class, StageOptions.evaluate(queues.get(Stage.EVALUATE)));
      runStage.apply(Stage.EVALUATE, () -> eval.evaluate(
          new EvaluateInput(ctx, sftModel, result.output("checkpoint"), rewardModel, null, method)));
    }
  }
}
