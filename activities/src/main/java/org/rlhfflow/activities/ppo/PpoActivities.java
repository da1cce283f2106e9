package org.rlhfflow.activities.ppo;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** PPO against the reward model with a KL penalty to the SFT policy. */
@ActivityInterface
public interface PpoActivities {
  @ActivityMethod(name = "Ppo")
  PpoResult ppo(PpoInput input);
}
