package org.rlhfflow.activities.ppo;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.store.ArtifactRef;

/** The SFT model is the initial policy and the frozen reference; the RM gives the reward. */
public record PpoInput(StageContext ctx, ArtifactRef sftModel, ArtifactRef rewardModel) {}
