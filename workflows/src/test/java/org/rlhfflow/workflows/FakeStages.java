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
import org.rlhfflow.activities.collect.AiCollectActivities;
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
    implements PipelineActivities, CollectPreferencesActivities, AiCollectActivities, SftActivities,
        RewardModelActivities, PpoActivities, EvaluateActivities {
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final Map<String, Object> inputs = Collections.synchronizedMap(new HashMap<>());
  /** Every input of each stage in call order: a stage runs once per iterated-RLHF round. */
  final Map<String, List<Object>> allInputs = Collections.synchronizedMap(new HashMap<>());
  /** The spec's {@code rounds:}; null as in histories resolved before it existed. */
  Integer rounds;
  String preferenceSource = "simulated";
  String taskQueue;
  String failStage;
  String finishStatus;
  String finishFailedStage;
  FinishInput finishInput;
  /** Judge shards SampleAiComparisons hands out (preferences.source: ai). */
  int aiShards = 3;
  /** SampleAiComparisons finds the collect stage done: the workflow schedules no shard. */
  boolean aiReused;
  /** When set, every judge shard counts it down and waits for the others: they must run at once. */
  java.util.concurrent.CountDownLatch shardsTogether;
  final List<Boolean> shardsMet = Collections.synchronizedList(new ArrayList<>());
  FinishAiInput finishAiInput;
  /** When set, the PPO activity waits for it: a pipeline stopped mid-PPO. */
  java.util.concurrent.CountDownLatch ppoGate;

  static ArtifactRef ref(String name) {
    String hex = String.format("%064x", Math.abs((long) name.hashCode()));
    return new ArtifactRef("file:///fake/" + name, hex, name.length());
  }

  private StageResult result(String stage, Object input, String... outputs) {
    calls.add(stage);
    inputs.put(stage, input);
    List<Object> earlier = allInputs.computeIfAbsent(stage, s -> new ArrayList<>());
    earlier.add(input);
    // the first call's outputs keep their plain names; round k's are "stage/output@k"
    String suffix = earlier.size() == 1 ? "" : "@" + earlier.size();
    if (stage.equals(failStage)) {
      throw ApplicationFailure.newNonRetryableFailure("injected failure in " + stage, "Injected");
    }
    Map<String, ArtifactRef> refs = new LinkedHashMap<>();
    for (String output : outputs) {
      refs.put(output, ref(stage + "/" + output + suffix));
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(stage + "/metric", 1.0);
    double call = earlier.size(); // a figure that tells the rounds apart
    if (stage.equals(RewardModelStage.NAME)) {
      metrics.put("rm/heldout_accuracy", call / 10);
    } else if (stage.equals(PpoStage.NAME)) {
      metrics.put("ppo/final_oracle_score", call);
      metrics.put("ppo/final_kl", call / 100);
    }
    return new StageResult(stage, refs, metrics,
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
        preferenceSource, plan, heartbeats, rounds);
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
    finishInput = input;
    finishFailedStage = input.failedStage();
    return new Summary(Map.of("experiment", input.ctx().experiment(), "stages", input.stages().size()),
        ref("summary"));
  }

  @Override
  public CollectResult collect(CollectInput input) {
    return CollectResult.of(result(CollectStage.NAME, input, "preferences"));
  }

  @Override
  public AiComparisons sampleComparisons(CollectInput input) {
    StageResult sampled = result("sample", input, "comparisons");
    if (aiReused) {
      return new AiComparisons(new StageResult(CollectStage.NAME, Map.of("preferences", ref("collect/cached")),
          Map.of(), "key-collect", true, 2.0), null, 0, List.of(), null);
    }
    List<JudgeShard> shards = new ArrayList<>();
    for (int s = 0; s < aiShards; s++) {
      shards.add(new JudgeShard(s, 2 * s, 2));
    }
    return new AiComparisons(null, sampled.output("comparisons"), 4 * aiShards, shards, sampled);
  }

  @Override
  public ShardResult judgeShard(ShardInput input) {
    result("judge-shard", input, "verdicts");
    if (shardsTogether != null) {
      shardsTogether.countDown();
      try {
        shardsMet.add(shardsTogether.await(30, java.util.concurrent.TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return new ShardResult(input.shard().index(), ref("verdicts-" + input.shard().index()), 4, 1.0);
  }

  @Override
  public StageResult finishAiCollect(FinishAiInput input) {
    finishAiInput = input;
    return result(CollectStage.NAME, input.collect(), "preferences");
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
