package org.rlhfflow.activities.pretrain;

import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.pretrain.PretrainActivities.PretrainInput;
import org.rlhfflow.activities.train.Hooks;

/** Test access to the pretrain stage from other packages. */
public final class PretrainProbe {
  private PretrainProbe() {}

  public static StageResult run(StageServices services, StageContext ctx) {
    return new PretrainActivitiesImpl(services).pretrain(new PretrainInput(ctx), Hooks.NONE);
  }
}
