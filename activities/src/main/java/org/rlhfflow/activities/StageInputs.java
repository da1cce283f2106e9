package org.rlhfflow.activities;

import org.rlhfflow.store.ArtifactRef;

/** One input record per stage activity. Grow them by adding fields, never positional parameters. */
public final class StageInputs {
  private StageInputs() {}

  /**
   * @param baseModel a checkpoint to start from; null builds the spec's preset or imports its HF
   *     checkpoint
   * @param dataset SFT pairs (Arrow); null uses the task's demonstrations
   */
  public record SftInput(StageContext ctx, ArtifactRef baseModel, ArtifactRef dataset) {}

  /**
   * @param policy the policy that samples the K responses per prompt (the SFT model, as in
   *     InstructGPT); null for imported datasets
   * @param judge the checkpoint of the stage {@code preferences.ai.judge} names (pretrain or sft);
   *     null otherwise
   */
  public record CollectInput(StageContext ctx, ArtifactRef policy, ArtifactRef judge) {}

  public record RewardModelInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef preferences) {}

  /** The SFT model is the initial policy and the frozen reference; the RM gives the reward. */
  public record PpoInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef rewardModel) {}

  /**
   * @param sftModel the reference policy; the PPO policy's KL is measured against it
   * @param ppoCurve the PPO stage's {@code curve} output, for the reward-over-iterations plot; null
   *     skips the plot
   */
  public record EvaluateInput(
      StageContext ctx,
      ArtifactRef sftModel,
      ArtifactRef ppoModel,
      ArtifactRef rewardModel,
      ArtifactRef ppoCurve) {}
}
