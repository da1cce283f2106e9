package org.rlhfflow.activities.slcai;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param policy the helpful-only model (SFT's output): it answers the red-team prompts
 * @param baseModel the pretrained base model, the critic when {@code sl_cai.critic} is pretrain; else null
 */
public record SlCaiInput(StageContext ctx, ArtifactRef policy, ArtifactRef baseModel) {}
