package org.rlhfflow.activities.grpo;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/**
 * Input of the GRPO and RLOO stages.
 *
 * @param sftModel the initial policy and the frozen reference
 * @param rewardModel scores the responses; null when {@code reward.source} is the verifier
 */
public record GroupPolicyInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef rewardModel) {}
