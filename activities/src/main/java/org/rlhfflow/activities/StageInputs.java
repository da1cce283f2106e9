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
   */
  public record CollectInput(StageContext ctx, ArtifactRef policy) {}

  public record RewardModelInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef preferences) {}

  /** The SFT model is the initial policy and the frozen reference; the RM gives the reward. */
  public record PpoInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef rewardModel) {}

  /**
   * @param sftModel the reference policy; the trained policy's KL is measured against it
   * @param ppoModel the trained policy (of whichever method: PPO, DPO, GRPO, RLOO)
   * @param rewardModel scores both policies when set; null (DPO, verifier rewards) evaluates by the
   *     oracle and the KL alone
   * @param ppoCurve the PPO stage's {@code curve} output, for the reward-over-iterations plot; null
   *     skips the plot
   * @param method the policy's method, which names its figures ({@code eval/oracle_score_dpo});
   *     null means ppo (inputs recorded before methods existed)
   */
  public record EvaluateInput(
      StageContext ctx,
      ArtifactRef sftModel,
      ArtifactRef ppoModel,
      ArtifactRef rewardModel,
      ArtifactRef ppoCurve,
      String method) {

    /** The PPO pipeline's evaluation. */
    public EvaluateInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef ppoModel, ArtifactRef rewardModel,
        ArtifactRef ppoCurve) {
      this(ctx, sftModel, ppoModel, rewardModel, ppoCurve, null);
    }

    /** The policy's name in figures: its method. */
    public String policyName() {
      return method == null ? Stage.PPO : method;
    }
  }
}
