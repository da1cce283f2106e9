package org.rlhfflow.workflows;

import io.temporal.common.SearchAttributeKey;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.rlhfflow.activities.PipelineActivities;
import org.rlhfflow.activities.PipelineActivities.FinishInput;
import org.rlhfflow.activities.PipelineActivities.ResolvedSpec;
import org.rlhfflow.activities.PipelineActivities.SpecSource;
import org.rlhfflow.activities.PipelineActivities.StartInput;
import org.rlhfflow.activities.PipelineActivities.Summary;
import org.rlhfflow.activities.Stage;
import org.rlhfflow.activities.StageActivities.CollectPreferencesActivities;
import org.rlhfflow.activities.StageActivities.EvaluateActivities;
import org.rlhfflow.activities.StageActivities.PpoActivities;
import org.rlhfflow.activities.StageActivities.RewardModelActivities;
import org.rlhfflow.activities.StageActivities.SftActivities;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageInputs.CollectInput;
import org.rlhfflow.activities.StageInputs.EvaluateInput;
import org.rlhfflow.activities.StageInputs.PpoInput;
import org.rlhfflow.activities.StageInputs.RewardModelInput;
import org.rlhfflow.activities.StageInputs.SftInput;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * Orchestrates the stages and nothing else: every byte of work happens in activities. Preferences
 * are sampled from the SFT policy, as in InstructGPT (Ouyang et al. 2022, sec. 3); an imported
 * dataset needs no policy, so its collect stage runs first and a bad file fails before any training.
 */
public class RlhfPipelineWorkflowImpl implements RlhfPipelineWorkflow {
  static final SearchAttributeKey<String> EXPERIMENT = SearchAttributeKey.forKeyword(SA_EXPERIMENT);
  static final SearchAttributeKey<String> STAGE = SearchAttributeKey.forKeyword(SA_STAGE);

  private final PipelineActivities pipeline =
      Workflow.newActivityStub(PipelineActivities.class, StageOptions.bookkeeping());

  private final Map<String, StageResult> results = new LinkedHashMap<>();
  private final List<String> reused = new ArrayList<>();
  private String experiment = "";
  private String stage = "resolve";
  private List<String> planned = List.of();

  @Override
  public PipelineResult run(PipelineInput input) {
    long start = Workflow.currentTimeMillis();
    ResolvedSpec spec = pipeline.resolveSpec(new SpecSource(input.specPath(), input.specYaml(), input.seed()));
    experiment = spec.experiment();
    planned = spec.stages();
    Workflow.upsertTypedSearchAttributes(EXPERIMENT.valueSet(experiment));
    String runId = Workflow.getInfo().getRunId();
    String parentRun = pipeline.startPipelineRun(new StartInput(
        experiment, Workflow.getInfo().getWorkflowId(), runId, spec.specJson(), spec.specSha256()));
    StageContext ctx = new StageContext(experiment, Workflow.getInfo().getWorkflowId(), parentRun,
        spec.specJson(), spec.specSha256(), input.forceStages() == null ? List.of() : input.forceStages());
    try {
      runStages(spec, ctx);
    } catch (ActivityFailure | CanceledFailure e) {
      boolean cancelled = e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
      String failedStage = stage;
      stage = cancelled ? "cancelled" : "failed";
      // A cancelled workflow may still run cleanup, but only in a detached scope.
      Workflow.newDetachedCancellationScope(() -> pipeline.finishPipelineRun(new FinishInput(ctx, results,
          seconds(start), cancelled ? "KILLED" : "FAILED", failedStage, e.getMessage()))).run();
      throw e;
    }
    stage = "done";
    setStage(stage);
    Summary summary = pipeline.finishPipelineRun(
        new FinishInput(ctx, results, seconds(start), "FINISHED", null, null));
    return new PipelineResult(experiment, spec.specSha256(), results, summary.figures(), summary.summaryJson());
  }

  private void runStages(ResolvedSpec spec, StageContext ctx) {
    Map<String, String> queues = spec.taskQueues();
    CollectPreferencesActivities collect = Workflow.newActivityStub(
        CollectPreferencesActivities.class, StageOptions.collect(queues.get(Stage.COLLECT)));
    SftActivities sft = Workflow.newActivityStub(SftActivities.class, StageOptions.sft(queues.get(Stage.SFT)));
    RewardModelActivities rm = Workflow.newActivityStub(
        RewardModelActivities.class, StageOptions.rewardModel(queues.get(Stage.REWARD_MODEL)));
    PpoActivities ppo = Workflow.newActivityStub(PpoActivities.class, StageOptions.ppo(queues.get(Stage.PPO)));
    EvaluateActivities eval = Workflow.newActivityStub(
        EvaluateActivities.class, StageOptions.evaluate(queues.get(Stage.EVALUATE)));
    List<String> stages = spec.stages();

    boolean imported = "dataset".equals(spec.preferenceSource());
    if (imported && stages.contains(Stage.COLLECT)) {
      runStage(Stage.COLLECT, () -> collect.collect(new CollectInput(ctx, null, null)));
    }
    ArtifactRef sftModel = !stages.contains(Stage.SFT) ? null
        : runStage(Stage.SFT, () -> sft.sft(new SftInput(ctx, null, null))).output("checkpoint");
    if (!imported && stages.contains(Stage.COLLECT)) {
      runStage(Stage.COLLECT, () -> collect.collect(new CollectInput(ctx, sftModel, null)));
    }
    if (!stages.contains(Stage.REWARD_MODEL)) {
      return;
    }
    ArtifactRef prefs = results.get(Stage.COLLECT).output("preferences");
    ArtifactRef rewardModel = runStage(Stage.REWARD_MODEL,
        () -> rm.trainRewardModel(new RewardModelInput(ctx, sftModel, prefs))).output("checkpoint");
    if (!stages.contains(Stage.PPO)) {
      return;
    }
    StageResult ppoResult = runStage(Stage.PPO, () -> ppo.ppo(new PpoInput(ctx, sftModel, rewardModel)));
    ArtifactRef policy = ppoResult.output("checkpoint");
    ArtifactRef curve = ppoResult.outputs().get("curve");
    if (stages.contains(Stage.EVALUATE)) {
      runStage(Stage.EVALUATE,
          () -> eval.evaluate(new EvaluateInput(ctx, sftModel, policy, rewardModel, curve)));
    }
  }

  private StageResult runStage(String name, Supplier<StageResult> activity) {
    stage = name;
    setStage(name);
    StageResult result = activity.get();
    results.put(name, result);
    if (result.reused()) {
      reused.add(name);
    }
    return result;
  }

  private void setStage(String name) {
    Workflow.upsertTypedSearchAttributes(STAGE.valueSet(name));
  }

  private static double seconds(long startMillis) {
    return (Workflow.currentTimeMillis() - startMillis) / 1000.0;
  }

  @Override
  public Progress progress() {
    return new Progress(experiment, stage, List.copyOf(results.keySet()), List.copyOf(reused), planned);
  }
}
