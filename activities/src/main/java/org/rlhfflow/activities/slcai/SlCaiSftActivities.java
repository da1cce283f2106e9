package org.rlhfflow.activities.slcai;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** SL-CAI's fine-tuning: the helpful-only model on its own final revisions (Bai et al. 2022, sec. 3.1). */
@ActivityInterface
public interface SlCaiSftActivities {
  @ActivityMethod(name = "SlCaiSft")
  SlCaiSftResult finetune(SlCaiSftInput input);
}
