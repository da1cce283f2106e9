package org.rlhfflow.activities.registry;

import org.rlhfflow.store.ArtifactRef;

/**
 * The result of a tuning method (PPO, and later DPO, GRPO, RLOO): the policy that evaluation
 * compares with the SFT reference.
 */
public interface TunedPolicy {
  ArtifactRef policy();

  /** Reward and KL per iteration, for the over-optimisation plot; null when the method has none. */
  default ArtifactRef curve() {
    return null;
  }
}
