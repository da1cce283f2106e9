package org.rlhfflow.workflows;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.collect.CollectResult;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.activities.ppo.PpoResult;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelInput;
import org.rlhfflow.activities.rm.RewardModelResult;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftInput;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;

/**
 * {@link FakeStages} with a cache as the real stages have one: a stage looks up its key, computes
 * (taking a moment, so two pipelines started together both miss) and stores it. SFT, collect and
 * the RM key on the seed only; PPO keys on the whole point spec. The resolved spec's JSON is the
 * point's YAML, so stages see it through their context.
 */
class CachingFakeStages extends FakeStages {
  final Set<String> stored = Collections.synchronizedSet(new HashSet<>());
  final List<String> computed = Collections.synchronizedList(new java.util.ArrayList<>());
  final List<Map<String, String>> pipelineTags = Collections.synchronizedList(new java.util.ArrayList<>());
  final AtomicInteger runningPipelines = new AtomicInteger();
  final AtomicInteger maxRunningPipelines = new AtomicInteger();

  @Override
  public ResolvedSpec resolveSpec(SpecSource source) {
    ResolvedSpec r = super.resolveSpec(source);
    ExperimentSpec spec = SpecLoader.parse(source.yaml(), "point");
    return new ResolvedSpec(r.experiment(), spec.seed(), source.yaml(), r.specSha256(), r.taskQueues(),
        r.preferenceSource(), r.stages(), r.heartbeatTimeouts(), r.rounds());
  }

  @Override
  public String startPipelineRun(StartInput input) {
    pipelineTags.add(input.tags());
    maxRunningPipelines.accumulateAndGet(runningPipelines.incrementAndGet(), Math::max);
    return super.startPipelineRun(input);
  }

  @Override
  public Summary finishPipelineRun(FinishInput input) {
    runningPipelines.decrementAndGet();
    return super.finishPipelineRun(input);
  }

  private StageResult cached(String stage, String key, StageResult result) {
    if (stored.contains(key)) {
      return new StageResult(stage, result.outputs(), result.metrics(), key, true, 0);
    }
    computed.add(stage);
    try {
      Thread.sleep(300); // a stage takes time: a concurrent pipeline would miss the cache too
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stored.add(key);
    return result;
  }

  private static String seedKey(String stage, String specYaml) {
    return stage + "|seed=" + SpecLoader.parse(specYaml, "point").seed();
  }

  @Override
  public SftResult sft(SftInput input) {
    SftResult r = super.sft(input);
    return SftResult.of(cached(SftStage.NAME, seedKey(SftStage.NAME, input.ctx().specJson()), r.run()));
  }

  @Override
  public CollectResult collect(CollectInput input) {
    CollectResult r = super.collect(input);
    return CollectResult.of(cached(CollectStage.NAME, seedKey(CollectStage.NAME, input.ctx().specJson()),
        r.run()));
  }

  @Override
  public RewardModelResult trainRewardModel(RewardModelInput input) {
    RewardModelResult r = super.trainRewardModel(input);
    return RewardModelResult.of(cached(RewardModelStage.NAME,
        seedKey(RewardModelStage.NAME, input.ctx().specJson()), r.run()));
  }

  @Override
  public PpoResult ppo(PpoInput input) {
    PpoResult r = super.ppo(input);
    return PpoResult.of(cached(PpoStage.NAME, PpoStage.NAME + "|" + input.ctx().specJson(), r.run()));
  }
}
