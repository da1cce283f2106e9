package org.rlhfflow.workflows;

import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.PipelineActivities;
import org.rlhfflow.activities.Stage;
import org.rlhfflow.activities.StageActivities.CollectPreferencesActivities;
import org.rlhfflow.activities.StageActivities.EvaluateActivities;
import org.rlhfflow.activities.StageActivities.PpoActivities;
import org.rlhfflow.activities.StageActivities.RewardModelActivities;
import org.rlhfflow.activities.StageActivities.SftActivities;
import org.rlhfflow.activities.StageInputs.CollectInput;
import org.rlhfflow.activities.StageInputs.EvaluateInput;
import org.rlhfflow.activities.StageInputs.PpoInput;
import org.rlhfflow.activities.StageInputs.RewardModelInput;
import org.rlhfflow.activities.StageInputs.SftInput;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.dpo.DpoActivities;
import org.rlhfflow.activities.dpo.DpoInput;
import org.rlhfflow.activities.grpo.GroupPolicyInput;
import org.rlhfflow.activities.grpo.GrpoActivities;
import org.rlhfflow.activities.grpo.RlooActivities;
import org.rlhfflow.store.ArtifactRef;

/** Activities that do no work: they record calls and hand back digests derived from the stage. */
class FakeStages
    implements PipelineActivities, CollectPreferencesActivities, SftActivities, RewardModelActivities,
        PpoActivities, EvaluateActivities, DpoActivities, GrpoActivities, RlooActivities {
  /** The spec's method and stages; null is the PPO pipeline. */
  String method;
  List<String> stages;
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final Map<String, Object> inputs = Collections.synchronizedMap(new HashMap<>());
  String preferenceSource = "simulated";
  String taskQueue;
  String failStage;
  String finishStatus;
  String finishFailedStage;

  static ArtifactRef ref(String name) {
    String hex = String.format("%064x", Math.abs((long) name.hashCode()));
    return new ArtifactRef("file:///fake/" + name, hex, name.length());
  }

  private StageResult result(String stage, Object input, String... outputs) {
    calls.add(stage);
    inputs.put(stage, input);
    if (stage.equals(failStage)) {
      throw ApplicationFailure.newNonRetryableFailure("injected failure in " + stage, "Injected");
    }
    Map<String, ArtifactRef> refs = new LinkedHashMap<>();
    for (String output : outputs) {
      refs.put(output, ref(stage + "/" + output));
    }
    return new StageResult(stage, refs, Map.of(stage + "/metric", 1.0),
        "key-" + stage, stage.equals(Stage.SFT) && "reuse-sft".equals(failStage), 1.5);
  }

  @Override
  public ResolvedSpec resolveSpec(SpecSource source) {
    calls.add("resolve");
    if (source.path() != null && source.path().contains("bad")) {
      throw ApplicationFailure.newNonRetryableFailure(source.path() + ":3: unknown key 'ppo.klcoef'", "SpecException");
    }
    Map<String, String> queues = new LinkedHashMap<>();
    List.of(Stage.COLLECT, Stage.SFT, Stage.REWARD_MODEL, Stage.PPO, Stage.DPO, Stage.GRPO, Stage.RLOO,
        Stage.EVALUATE).forEach(s -> queues.put(s, taskQueue));
    return new ResolvedSpec("exp", source.seed() == null ? 0 : source.seed(), "{}", "ab".repeat(32), queues,
        preferenceSource, stages == null ? Stage.ALL : stages, method);
  }

  @Override
  public String startPipelineRun(StartInput input) {
    calls.add("start");
    return "parent-run";
  }

  @Override
  public Summary finishPipelineRun(FinishInput input) {
    calls.add("finish");
    finishStatus = input.status();
    finishFailedStage = input.failedStage();
    return new Summary(Map.of("experiment", input.ctx().experiment(), "stages", input.stages().size()),
        ref("summary"));
  }

  @Override
  public StageResult collect(CollectInput input) {
    return result(Stage.COLLECT, input, "preferences");
  }

  @Override
  public StageResult sft(SftInput input) {
    return result(Stage.SFT, input, "checkpoint");
  }

  @Override
  public StageResult trainRewardModel(RewardModelInput input) {
    return result(Stage.REWARD_MODEL, input, "checkpoint");
  }

  @Override
  public StageResult ppo(PpoInput input) {
    return result(Stage.PPO, input, "checkpoint", "curve");
  }

  @Override
  public StageResult dpo(DpoInput input) {
    return result(Stage.DPO, input, "checkpoint", "reference_logps");
  }

  @Override
  public StageResult grpo(GroupPolicyInput input) {
    return result(Stage.GRPO, input, "checkpoint");
  }

  @Override
  public StageResult rloo(GroupPolicyInput input) {
    return result(Stage.RLOO, input, "checkpoint");
  }

  @Override
  public StageResult evaluate(EvaluateInput input) {
    return result(Stage.EVALUATE, input, "report");
  }
}
