package org.rlhfflow.activities.sft;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Supervised fine-tuning on demonstrations. */
@ActivityInterface
public interface SftActivities {
  @ActivityMethod(name = "Sft")
  SftResult sft(SftInput input);
}
