package org.rlhfflow.activities.slcai;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.pretrain.PretrainResult;
import org.rlhfflow.activities.pretrain.PretrainStage;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.registry.Upstream;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.spec.ExperimentSpec;

/**
 * The registry entries of supervised Constitutional AI: {@code sl_cai} writes the chains and the
 * fine-tuning data, {@code sl_cai_sft} (the method) fine-tunes the helpful-only model on them.
 */
public final class SlCaiStages {
  public static final String NAME = "sl_cai";

  public static final StageDef<SlCaiInput, SlCaiResult> DEF = StageDef.builder(NAME, SlCaiInput.class, SlCaiResult::of)
      .setActivityType("SlCai")
      .setReads("model", "task", "sl_cai", "preferences.ai.constitution", "data.red_team_prompts")
      .optFiles("preferences.ai.constitution", "data.red_team_prompts")
      .setBudget(Duration.ofHours(6)) // a whole attempt; the heartbeat timeout catches dead workers
      .optNeeds(spec -> spec.slCaiOrDefault().critic() == SlCaiSpec.Critic.PRETRAIN
          ? List.of(SftStage.NAME, PretrainStage.NAME)
          : List.of(SftStage.NAME))
      .setInput((ctx, up) -> {
        PretrainResult base = up.get(PretrainStage.DEF);
        return new SlCaiInput(ctx, up.require(SftStage.DEF, NAME).checkpoint(), base == null ? null : base.checkpoint());
      })
      .setImplementation(services -> new SlCaiActivitiesImpl(services))
      .build();

  public static final StageDef<SlCaiSftInput, SlCaiSftResult> SFT_DEF =
      StageDef.builder(ExperimentSpec.SL_CAI, SlCaiSftInput.class, SlCaiSftResult::of)
          .setActivityType("SlCaiSft")
          // Trains with the sft section's settings, from the helpful-only model, on the sl_cai data.
          .setReads("model", "sft")
          .setBudget(Duration.ofHours(12)) // a whole attempt; the heartbeat timeout catches dead workers
          .optMethod()
          .optNeeds(spec -> List.of(NAME, SftStage.NAME))
          .setInput((ctx, up) -> new SlCaiSftInput(ctx, up.require(SftStage.DEF, ExperimentSpec.SL_CAI).checkpoint(),
              up.require(DEF, ExperimentSpec.SL_CAI).sftData()))
          .setImplementation(services -> new SlCaiSftActivitiesImpl(services))
          .build();

  private SlCaiStages() {}

  /**
   * The policy the stages after SFT start from: the SL-CAI model when it ran (RL-CAI's collect
   * and PPO), else the SFT policy, else null.
   */
  public static ArtifactRef startingPolicy(Upstream up) {
    SlCaiSftResult slCai = up.get(SFT_DEF);
    if (slCai != null) {
      return slCai.checkpoint();
    }
    SftResult sft = up.get(SftStage.DEF);
    return sft == null ? null : sft.checkpoint();
  }

  /** {@code needs} plus the SL-CAI model, which RL-CAI's stages start from. */
  public static List<String> withSlCai(List<String> needs) {
    List<String> out = new java.util.ArrayList<>(needs);
    out.add(ExperimentSpec.SL_CAI);
    return List.copyOf(out);
  }
}
