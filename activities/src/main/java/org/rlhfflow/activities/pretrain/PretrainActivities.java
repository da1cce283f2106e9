package org.rlhfflow.activities.pretrain;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The pretrain stage: a base model trained from scratch on the task's corpus. */
@ActivityInterface
public interface PretrainActivities {
  @ActivityMethod(name = "Pretrain")
  PretrainResult pretrain(PretrainInput input);
}
