package org.rlhfflow.activities.slcai;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** SL-CAI's data: critique-and-revision chains on red-team prompts (Bai et al. 2022, sec. 3.1). */
@ActivityInterface
public interface SlCaiActivities {
  @ActivityMethod(name = "SlCai")
  SlCaiResult critiqueAndRevise(SlCaiInput input);
}
