package org.rlhfflow.activities.ppo;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.grpo.RewardSpec;
import org.rlhfflow.activities.pretrain.PretrainResult;
import org.rlhfflow.activities.pretrain.PretrainStage;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.rm.RewardModelResult;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.activities.slcai.SlCaiStages;

/** The PPO stage's registry entry: {@code method: ppo}. */
public final class PpoStage {
  public static final String NAME = "ppo";

  public static final StageDef<PpoInput, PpoResult> DEF = StageDef.builder(NAME, PpoInput.class, PpoResult::of)
      .setActivityType("Ppo")
      .setReads("model", "task", "data.prompt_dataset", "ppo")
      .optFiles("data.prompt_dataset")
      .setBudget(Duration.ofHours(24)) // the longest stage by far
      .optMethod()
      // Direct RLAIF (reward.source: judge) scores rollouts with the judge: no reward model, and
      // the judge may be the pretrain stage's base model.
      .optNeeds(spec -> spec.rlFromSlCai() ? SlCaiStages.withSlCai(rewardNeeds(spec)) : rewardNeeds(spec))
      .optUses(spec -> List.of(SftStage.NAME)) // the initial policy and reference; PPO rejects a missing one
      // RL-CAI: the SL-CAI policy is PPO's initial policy and its frozen reference (Bai et al. 2022, sec. 4.1).
      .setInput((ctx, up) -> {
        ArtifactRef start = SlCaiStages.startingPolicy(up);
        RewardModelResult rm = up.get(RewardModelStage.DEF);
        PretrainResult base = up.get(PretrainStage.DEF);
        return new PpoInput(ctx, start, rm == null ? null : rm.checkpoint(), null,
            base == null ? null : base.checkpoint());
      })
      .setImplementation(services -> new PpoActivitiesImpl(services))
      .build();

  private PpoStage() {}

  private static List<String> rewardNeeds(org.rlhfflow.spec.ExperimentSpec spec) {
    return spec.reward().source() != RewardSpec.Source.JUDGE ? List.of(RewardModelStage.NAME)
        : spec.preferences().ai().judge().equals(PretrainStage.NAME) ? List.of(SftStage.NAME, PretrainStage.NAME)
        : List.of(SftStage.NAME);
  }
}
