package org.rlhfflow.activities.ppo;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * The SFT model is the frozen reference and, unless {@code initialPolicy} is set, the initial
 * policy; the RM gives the reward.
 *
 * @param rewardModel the reward model; null with {@code reward.source: judge}
 * @param initialPolicy the previous iterated-RLHF round's policy to continue from; null starts from
 *     {@code sftModel}
 * @param pretrained the pretrain stage's base model when the pipeline ran it, else null: the judge
 *     of {@code reward.source: judge} when {@code preferences.ai.judge} is {@code pretrain}
 */
public record PpoInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef rewardModel, ArtifactRef initialPolicy,
    ArtifactRef pretrained) {

  public PpoInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef rewardModel, ArtifactRef initialPolicy) {
    this(ctx, sftModel, rewardModel, initialPolicy, null);
  }

  /** One round's input: the policy starts from the SFT model. */
  public PpoInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef rewardModel) {
    this(ctx, sftModel, rewardModel, null);
  }
}
