package org.rlhfflow.activities.grpo;

import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;

/** The GRPO stage: {@link GroupPolicyRunner} with {@code grpo:}'s settings. */
public final class GrpoActivitiesImpl implements GrpoActivities {
  private final GroupPolicyRunner runner;

  public GrpoActivitiesImpl(StageServices services) {
    this.runner = new GroupPolicyRunner(services);
  }

  @Override
  public GroupPolicyResult grpo(GroupPolicyInput input) {
    return GroupPolicyResult.of(runner.execute(GroupStages.GRPO_DEF, input, StageRun::resumePoint, p -> {}));
  }
}
