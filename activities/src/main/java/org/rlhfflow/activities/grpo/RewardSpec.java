package org.rlhfflow.activities.grpo;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** Where GRPO and RLOO get their rewards. */
@Doc("Where GRPO and RLOO get their rewards: the trained reward model, or the task's programmatic verifier (RLVR).")
public record RewardSpec(
    @Doc(value = "reward_model: train an RM on the preferences and score with it; verifier: the task's rule scores responses, no preferences and no RM.",
            source = "Lambert et al. 2024 (RLVR, Tulu 3); Shao et al. 2024", def = "reward_model")
        Source source) {

  public static final RewardSpec DEFAULT = SpecDefaults.of(RewardSpec.class);

  /** The reward's origin. */
  public enum Source {
    REWARD_MODEL,
    VERIFIER
  }
}
