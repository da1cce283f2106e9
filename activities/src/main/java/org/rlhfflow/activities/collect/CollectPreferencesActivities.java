package org.rlhfflow.activities.collect;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Preference pairs from the simulated labeller or a dataset file. */
@ActivityInterface
public interface CollectPreferencesActivities {
  @ActivityMethod(name = "CollectPreferences")
  CollectResult collect(CollectInput input);
}
