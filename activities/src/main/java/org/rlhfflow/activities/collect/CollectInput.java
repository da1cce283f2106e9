package org.rlhfflow.activities.collect;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param policy the policy that samples the K responses per prompt (the SFT model, as in
 *     InstructGPT); null for imported datasets
 * @param pretrained the pretrain stage's base model when the pipeline ran it, else null: the judge
 *     when {@code preferences.ai.judge} is {@code pretrain}
 */
public record CollectInput(StageContext ctx, ArtifactRef policy, ArtifactRef pretrained) {}
