package org.rlhfflow.activities.pretrain;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;

/** The pretrain stage: a base model trained from scratch on the task's corpus. */
@ActivityInterface
public interface PretrainActivities {
  /** The only input is the context: the corpus comes from the task and the seed. */
  record PretrainInput(StageContext ctx) {}

  @ActivityMethod(name = "Pretrain")
  StageResult pretrain(PretrainInput input);
}
