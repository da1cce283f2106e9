package org.rlhfflow.workflows;

import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.PipelineActivities;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.collect.CollectPreferencesActivities;
import org.rlhfflow.activities.collect.CollectResult;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.evaluate.EvaluateActivities;
import org.rlhfflow.activities.evaluate.EvaluateInput;
import org.rlhfflow.activities.evaluate.EvaluateResult;
import org.rlhfflow.activities.evaluate.EvaluateStage;
import org.rlhfflow.activities.ppo.PpoActivities;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.activities.ppo.PpoResult;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.activities.rm.RewardModelActivities;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.rm.RewardModelResult;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftActivities;
import org.rlhfflow.activities.sft.SftInput;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.store.ArtifactRef;

/** Activities that do no work: they record calls and hand back digests derived from the stage. */
class FakeStages
    implements PipelineActivities, CollectPreferencesActivities, SftActivities, RewardModelActivities,
        PpoActivities, EvaluateActivities {
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final Map<String, Object> inputs = Collections.synchronizedMap(new HashMap<>());
  String preferenceSource = "simulated";
  String taskQueue;
  String failStage;
  String finishStatus;
  String finishFailedStage;
  /** When set, the PPO activity waits for it: a pipeline stopped mid-PPO. */
  java.util.concurrent.CountDownLatch ppoGate;

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
        "key-" + stage, stage.equals(SftStage.NAME) && "reuse-sft".equals(failStage), 1.5);
  }

  @Override
  public ResolvedSpec resolveSpec(SpecSource source) {
    calls.add("resolve");
    if (source.path() != null && source.path().contains("bad")) {
      throw ApplicationFailure.newNonRetryableFailure(source.path() + ":3: unknown key 'ppo.klcoef'", "SpecException");
    }
    Map<String, String> queues = new LinkedHashMap<>();
    Map<String, Double> heartbeats = new LinkedHashMap<>();
    StageRegistry.names().forEach(s -> queues.put(s, taskQueue));
    StageRegistry.names().forEach(s -> heartbeats.put(s, 5.0));
    // the registry's plan, as the real resolve computes it: simulated labels need the SFT policy first
    List<String> plan = "dataset".equals(preferenceSource)
        ? List.of(CollectStage.NAME, SftStage.NAME, RewardModelStage.NAME, PpoStage.NAME, EvaluateStage.NAME)
        : List.of(SftStage.NAME, CollectStage.NAME, RewardModelStage.NAME, PpoStage.NAME, EvaluateStage.NAME);
    return new ResolvedSpec("exp", source.seed() == null ? 0 : source.seed(), "{}", "ab".repeat(32), queues,
        preferenceSource, plan, heartbeats);
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
  public CollectResult collect(CollectInput input) {
    return CollectResult.of(result(CollectStage.NAME, input, "preferences"));
  }

  @Override
  public SftResult sft(SftInput input) {
    return SftResult.of(result(SftStage.NAME, input, "checkpoint"));
  }

  @Override
  public RewardModelResult trainRewardModel(RewardModelInput input) {
    return RewardModelResult.of(result(RewardModelStage.NAME, input, "checkpoint"));
  }

  @Override
  public PpoResult ppo(PpoInput input) {
    if (ppoGate != null) {
      calls.add(PpoStage.NAME);
      try {
        ppoGate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      calls.remove(calls.size() - 1);
    }
    return PpoResult.of(result(PpoStage.NAME, input, "checkpoint", "curve"));
  }

  @Override
  public EvaluateResult evaluate(EvaluateInput input) {
    return EvaluateResult.of(result(EvaluateStage.NAME, input, "report"));
  }
}
