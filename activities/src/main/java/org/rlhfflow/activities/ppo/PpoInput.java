package org.rlhfflow.activities.ppo;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * The SFT model is the frozen reference and, unless {@code initialPolicy} is set, the initial
 * policy; the RM gives the reward.
 *
 * @param initialPolicy the previous iterated-RLHF round's policy to continue from; null starts from
 *     {@code sftModel}
 */
public record PpoInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef rewardModel, ArtifactRef initialPolicy) {

  /** One round's input: the policy starts from the SFT model. */
  public PpoInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef rewardModel) {
    this(ctx, sftModel, rewardModel, null);
  }
}
