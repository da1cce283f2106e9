package org.rlhfflow.activities.rm;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param sftModel the trunk to start from; null starts from the spec's base model
 * @param preferences the pairs to train on (Arrow)
 */
public record RewardModelInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef preferences) {}
