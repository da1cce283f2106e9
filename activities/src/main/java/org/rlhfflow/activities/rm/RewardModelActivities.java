package org.rlhfflow.activities.rm;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The reward model, trained on preference pairs. */
@ActivityInterface
public interface RewardModelActivities {
  @ActivityMethod(name = "RewardModel")
  RewardModelResult trainRewardModel(RewardModelInput input);
}
