package org.rlhfflow.activities.grpo;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The RLOO stage (Ahmadian et al. 2024): leave-one-out baseline, KL in the reward, no critic. */
@ActivityInterface
public interface RlooActivities {
  @ActivityMethod(name = "Rloo")
  GroupPolicyResult rloo(GroupPolicyInput input);
}
