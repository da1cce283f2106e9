package org.rlhfflow.activities.slcai;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param baseModel the helpful-only model it fine-tunes
 * @param dataset the sl_cai stage's (prompt, final revision) pairs with the helpful mix
 */
public record SlCaiSftInput(StageContext ctx, ArtifactRef baseModel, ArtifactRef dataset) {}
