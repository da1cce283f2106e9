package org.rlhfflow.activities.evaluate;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param sftModel the reference policy; the tuned policy's KL is measured against it
 * @param ppoModel the tuned policy (the method's output)
 * @param ppoCurve the method's reward-over-iterations curve, for the plot; null skips the plot
 * @param slCaiModel RL-CAI's starting point, the SL-CAI policy, scored beside the two on the oracle's
 *     axes ({@code eval/<axis>_sl_cai_sft}); null in every other pipeline
 */
public record EvaluateInput(
    StageContext ctx,
    ArtifactRef sftModel,
    ArtifactRef ppoModel,
    ArtifactRef rewardModel,
    ArtifactRef ppoCurve,
    ArtifactRef slCaiModel) {

  /** Every pipeline but RL-CAI's: no intermediate policy. */
  public EvaluateInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef ppoModel, ArtifactRef rewardModel,
      ArtifactRef ppoCurve) {
    this(ctx, sftModel, ppoModel, rewardModel, ppoCurve, null);
  }
}
