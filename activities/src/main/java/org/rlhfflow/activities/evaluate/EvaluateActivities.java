package org.rlhfflow.activities.evaluate;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Held-out comparison of the SFT and tuned policies. */
@ActivityInterface
public interface EvaluateActivities {
  @ActivityMethod(name = "Evaluate")
  EvaluateResult evaluate(EvaluateInput input);
}
