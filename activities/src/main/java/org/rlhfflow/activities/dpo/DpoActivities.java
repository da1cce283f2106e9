package org.rlhfflow.activities.dpo;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The DPO stage: the SFT policy trained directly on preference pairs, with no reward model. */
@ActivityInterface
public interface DpoActivities {
  @ActivityMethod(name = "Dpo")
  DpoResult dpo(DpoInput input);
}
