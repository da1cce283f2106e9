package org.rlhfflow.activities.rm;

import java.util.List;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param sftModel the trunk to start from; null starts from the spec's base model
 * @param preferences the pairs to train on (Arrow)
 * @param earlierPreferences the pairs of earlier iterated-RLHF rounds, trained on together with
 *     {@code preferences} (Touvron et al. 2023 retrain the RM on all data so far); null or empty for one round
 * @param initialModel the previous round's reward model to continue from instead of a fresh head on
 *     {@code sftModel}; null for the first round
 */
public record RewardModelInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef preferences,
    List<ArtifactRef> earlierPreferences, ArtifactRef initialModel) {

  /** One round's input: a fresh head on the SFT trunk, this round's pairs only. */
  public RewardModelInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef preferences) {
    this(ctx, sftModel, preferences, null, null);
  }
}
