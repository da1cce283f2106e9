package org.rlhfflow.activities.grpo;

import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageServices;

/** The RLOO stage: {@link GroupPolicyRunner} with {@code rloo:}'s settings. */
public final class RlooActivitiesImpl implements RlooActivities {
  private final GroupPolicyRunner runner;

  public RlooActivitiesImpl(StageServices services) {
    this.runner = new GroupPolicyRunner(services);
  }

  @Override
  public GroupPolicyResult rloo(GroupPolicyInput input) {
    return GroupPolicyResult.of(runner.execute(GroupStages.RLOO_DEF, input, StageRun::resumePoint, p -> {}));
  }
}
