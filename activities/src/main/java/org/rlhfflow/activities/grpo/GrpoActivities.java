package org.rlhfflow.activities.grpo;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import org.rlhfflow.activities.StageResult;

/** The GRPO stage (Shao et al. 2024): group-normalised advantages, no critic. */
@ActivityInterface
public interface GrpoActivities {
  @ActivityMethod(name = "Grpo")
  StageResult grpo(GroupPolicyInput input);
}
