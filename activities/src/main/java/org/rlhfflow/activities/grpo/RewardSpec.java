package org.rlhfflow.activities.grpo;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** Where the RL methods get their rewards. */
@Doc("Where the RL methods get their rewards: the trained reward model, the task's programmatic verifier (RLVR, GRPO and RLOO), or the AI judge directly (d-RLAIF, PPO).")
public record RewardSpec(
    @Doc(value = "reward_model: train an RM on the preferences and score with it; verifier: the task's rule scores responses, no preferences and no RM; judge (method ppo): the preferences.ai judge scores each rollout against the SFT policy's greedy reply, 2 P(preferred) - 1, no preferences and no RM.",
            source = "Lambert et al. 2024 (RLVR, Tulu 3); Shao et al. 2024; Lee et al. 2023, sec. 2.3 (d-RLAIF)", def = "reward_model")
        Source source) {

  public static final RewardSpec DEFAULT = SpecDefaults.of(RewardSpec.class);

  /** The reward's origin. */
  public enum Source {
    REWARD_MODEL,
    VERIFIER,
    JUDGE
  }
}
