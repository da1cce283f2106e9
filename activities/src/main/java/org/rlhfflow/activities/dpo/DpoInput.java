package org.rlhfflow.activities.dpo;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param sftModel the initial policy and the frozen reference
 * @param preferences the collect stage's pairs (Arrow); null reads {@code data.preference_dataset}
 */
public record DpoInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef preferences) {}
