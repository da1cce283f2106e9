package org.rlhfflow.workflows;

import io.temporal.common.SearchAttributeKey;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.PipelineActivities.FinishInput;
import org.rlhfflow.activities.PipelineActivities.RoundFigures;
import org.rlhfflow.activities.PipelineActivities.ResolvedSpec;
import org.rlhfflow.activities.PipelineActivities.SpecSource;
import org.rlhfflow.activities.PipelineActivities.StartInput;
import org.rlhfflow.activities.PipelineActivities.Summary;
import org.rlhfflow.activities.PipelineActivities;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.activities.registry.Upstream;
import org.rlhfflow.activities.collect.CollectResult;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.activities.pretrain.PretrainResult;
import org.rlhfflow.activities.pretrain.PretrainStage;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.rm.RewardModelResult;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.workflows.ai.AiCollectFanout;
import org.rlhfflow.workflows.human.HumanCollectWorkflow;

/**
 * Orchestrates the stages and nothing else: every byte of work happens in activities. The stage
 * list comes from the registry's plan for the spec ({@link StageRegistry#plan}), resolved in an
 * activity; each stage's input is built by its registry entry from the results before it.
 */
public class RlhfPipelineWorkflowImpl implements RlhfPipelineWorkflow {
  static final SearchAttributeKey<String> EXPERIMENT = SearchAttributeKey.forKeyword(SA_EXPERIMENT);
  static final SearchAttributeKey<String> STAGE = SearchAttributeKey.forKeyword(SA_STAGE);

  /**
   * Version 1: the resolved stage list is the execution order and each stage has its own heartbeat
   * timeout. Histories without the marker (written before the stage registry) resolved the stages
   * in lifecycle order and let the workflow move collect after SFT; they keep that order.
   */
  static final String REGISTRY_CHANGE = "stage-registry";
  static final int REGISTRY_VERSION = 1;
  /**
   * Version 1: with {@code rounds: N > 1}, rounds 2..N of collect -> reward model -> PPO run after
   * the first PPO. Only such specs reach the marker, so one-round histories are unchanged.
   */
  static final String ROUNDS_CHANGE = "iterated-rounds";
  static final int ROUNDS_VERSION = 1;
  /**
   * Version 1: with {@code preferences.source: ai} the collect stage is SampleAiComparisons, the
   * judge shards as parallel activities, then FinishAiCollect; before, one CollectPreferences
   * activity labelled the shards in turn. Only AI collects reach the marker.
   */
  static final String AI_FANOUT_CHANGE = "ai-judge-fanout";
  static final int AI_FANOUT_VERSION = 1;
  /** The heartbeat timeout every stage had before it became a spec value. */
  static final Duration LEGACY_HEARTBEAT = Duration.ofSeconds(30);

  private final PipelineActivities pipeline =
      Workflow.newActivityStub(PipelineActivities.class, StageOptions.bookkeeping());

  private final Map<String, StageResult> results = new LinkedHashMap<>();
  private final List<String> reused = new ArrayList<>();
  private final List<RoundFigures> rounds = new ArrayList<>();
  private String experiment = "";
  private String stage = "resolve";
  private List<String> planned = List.of();

  @Override
  public PipelineResult run(PipelineInput input) {
    long start = Workflow.currentTimeMillis();
    ResolvedSpec spec = pipeline.resolveSpec(new SpecSource(input.specPath(), input.specYaml(), input.seed()));
    experiment = spec.experiment();
    int version = Workflow.getVersion(REGISTRY_CHANGE, Workflow.DEFAULT_VERSION, REGISTRY_VERSION);
    planned = version == Workflow.DEFAULT_VERSION
        ? legacyOrder(spec.stages(), spec.preferenceSource()) : spec.stages();
    Workflow.upsertTypedSearchAttributes(EXPERIMENT.valueSet(experiment));
    String runId = Workflow.getInfo().getRunId();
    String parentRun = pipeline.startPipelineRun(new StartInput(
        experiment, Workflow.getInfo().getWorkflowId(), runId, spec.specJson(), spec.specSha256(),
        input.tags() == null ? Map.of() : input.tags()));
    StageContext ctx = new StageContext(experiment, Workflow.getInfo().getWorkflowId(), parentRun,
        spec.specJson(), spec.specSha256(), input.forceStages() == null ? List.of() : input.forceStages());
    try {
      for (String name : planned) {
        runStage(StageRegistry.get(name), spec, ctx);
        if (PpoStage.NAME.equals(name) && spec.roundCount() > 1
            && Workflow.getVersion(ROUNDS_CHANGE, Workflow.DEFAULT_VERSION, ROUNDS_VERSION) >= ROUNDS_VERSION) {
          runLaterRounds(spec, ctx);
        }
      }
    } catch (ActivityFailure | ApplicationFailure | ChildWorkflowFailure | CanceledFailure e) {
      boolean cancelled = e instanceof CanceledFailure || e.getCause() instanceof CanceledFailure;
      String failedStage = stage;
      stage = cancelled ? "cancelled" : "failed";
      // A cancelled workflow may still run cleanup, but only in a detached scope.
      Workflow.newDetachedCancellationScope(() -> pipeline.finishPipelineRun(new FinishInput(ctx, results,
          seconds(start), cancelled ? "KILLED" : "FAILED", failedStage, e.getMessage(), roundFigures()))).run();
      throw e;
    }
    stage = "done";
    setStage(stage);
    Summary summary = pipeline.finishPipelineRun(
        new FinishInput(ctx, results, seconds(start), "FINISHED", null, null, roundFigures()));
    return new PipelineResult(experiment, spec.specSha256(), results, summary.figures(), summary.summaryJson());
  }

  private void runStage(StageDef<?, ?> def, ResolvedSpec spec, StageContext ctx) {
    Object in;
    try {
      in = def.input(ctx, new Upstream(results));
    } catch (RuntimeException e) { // a plan that lets a stage run without what it needs: fail, do not retry
      throw ApplicationFailure.newNonRetryableFailure(def.name() + ": " + e.getMessage(), StageFailures.VALIDATION);
    }
    execute(def, in, spec, ctx);
  }

  /**
   * Iterated RLHF (Touvron et al. 2023, Llama 2; Ouyang et al. 2022 collected in batches too): each
   * round labels samples of the previous round's policy, trains the RM on all pairs so far starting
   * from the previous RM, and continues PPO from the previous policy against the same frozen SFT
   * reference. Each round's results replace the previous round's under the stage names, so
   * evaluation compares the last policy with SFT. The inputs carry the previous round's digests,
   * so every round has its own cache key.
   */
  private void runLaterRounds(ResolvedSpec spec, StageContext ctx) {
    Upstream up = new Upstream(results);
    ArtifactRef sft = up.require(SftStage.DEF, PpoStage.NAME).checkpoint();
    PretrainResult base = up.get(PretrainStage.DEF); // the AI judge, when it is the pretrained model
    ArtifactRef pretrained = base == null ? null : base.checkpoint();
    List<ArtifactRef> pairs = new ArrayList<>();
    rounds.add(figures(1));
    for (int round = 2; round <= spec.roundCount(); round++) {
      up = new Upstream(results);
      ArtifactRef policy = up.require(PpoStage.DEF, PpoStage.NAME).checkpoint();
      ArtifactRef rm = up.require(RewardModelStage.DEF, PpoStage.NAME).checkpoint();
      pairs.add(up.require(CollectStage.DEF, RewardModelStage.NAME).preferences());
      CollectResult collected = CollectResult.of(execute(CollectStage.DEF, new CollectInput(ctx, policy, pretrained), spec, ctx));
      RewardModelResult retrained = RewardModelResult.of(execute(RewardModelStage.DEF,
          new RewardModelInput(ctx, sft, collected.preferences(), List.copyOf(pairs), rm), spec, ctx));
      execute(PpoStage.DEF, new PpoInput(ctx, sft, retrained.checkpoint(), policy), spec, ctx);
      rounds.add(figures(round));
    }
  }

  /** The round just finished, from its RM's and PPO's own final metrics. */
  private RoundFigures figures(int round) {
    Map<String, Double> rm = results.get(RewardModelStage.NAME).metrics();
    Map<String, Double> ppo = results.get(PpoStage.NAME).metrics();
    return new RoundFigures(round, ppo.get("ppo/final_oracle_score"),
        rm.getOrDefault("rm/heldout_oracle_accuracy", rm.get("rm/heldout_accuracy")), ppo.get("ppo/final_kl"));
  }

  private List<RoundFigures> roundFigures() {
    return rounds.isEmpty() ? null : List.copyOf(rounds);
  }

  private StageResult execute(StageDef<?, ?> def, Object in, ResolvedSpec spec, StageContext ctx) {
    stage = def.name();
    setStage(def.name());
    StageResult result;
    if (HumanCollectWorkflow.runs(def.name(), spec.preferenceSource())) {
      // People label in HumanFeedback children for hours or days: a child workflow, not an activity.
      result = Workflow.newChildWorkflowStub(HumanCollectWorkflow.class,
          HumanCollectWorkflow.options(ctx.workflowId(), spec.taskQueues().get(def.name()))).run((CollectInput) in);
    } else if (CollectStage.NAME.equals(def.name()) && "ai".equals(spec.preferenceSource())
        && Workflow.getVersion(AI_FANOUT_CHANGE, Workflow.DEFAULT_VERSION, AI_FANOUT_VERSION) >= AI_FANOUT_VERSION) {
      result = AiCollectFanout.run((CollectInput) in,
          def.options(spec.taskQueues().get(def.name()), heartbeatTimeout(spec, def.name())));
    } else {
      ActivityStub activity = Workflow.newUntypedActivityStub(
          def.options(spec.taskQueues().get(def.name()), heartbeatTimeout(spec, def.name())));
      result = activity.execute(def.activityType(), StageResult.class, in);
    }
    results.put(def.name(), result);
    if (result.reused()) {
      reused.add(def.name());
    }
    return result;
  }

  private static Duration heartbeatTimeout(ResolvedSpec spec, String stage) {
    Double seconds = spec.heartbeatTimeouts() == null ? null : spec.heartbeatTimeouts().get(stage);
    return seconds == null ? LEGACY_HEARTBEAT : Duration.ofMillis(Math.round(seconds * 1000));
  }

  /**
   * The order of workflows started before the registry: their resolved list is in lifecycle order
   * (collect, sft, ...) and simulated preferences were collected after SFT, from its policy.
   */
  static List<String> legacyOrder(List<String> stages, String preferenceSource) {
    if ("dataset".equals(preferenceSource) || !stages.contains("collect") || !stages.contains("sft")) {
      return stages;
    }
    List<String> order = new ArrayList<>(stages);
    order.remove("collect");
    order.add(order.indexOf("sft") + 1, "collect");
    return order;
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
