package org.rlhfflow.activities.grpo;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import org.rlhfflow.activities.StageResult;

/** The RLOO stage (Ahmadian et al. 2024): leave-one-out baseline, KL in the reward, no critic. */
@ActivityInterface
public interface RlooActivities {
  @ActivityMethod(name = "Rloo")
  StageResult rloo(GroupPolicyInput input);
}
