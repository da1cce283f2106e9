package org.rlhfflow.activities.grpo;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The GRPO stage (Shao et al. 2024): group-normalised advantages, no critic. */
@ActivityInterface
public interface GrpoActivities {
  @ActivityMethod(name = "Grpo")
  GroupPolicyResult grpo(GroupPolicyInput input);
}
