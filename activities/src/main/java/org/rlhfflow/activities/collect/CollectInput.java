package org.rlhfflow.activities.collect;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * @param policy the policy that samples the K responses per prompt (the SFT model, as in
 *     InstructGPT); null for imported datasets
 */
public record CollectInput(StageContext ctx, ArtifactRef policy) {}
