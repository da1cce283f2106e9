package org.rlhfflow.workflows.human;

import io.temporal.workflow.Workflow;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectInput;

/** Samples the items, waits for the HumanFeedback batches, turns their rankings into preferences. */
public class HumanCollectWorkflowImpl implements HumanCollectWorkflow {
  @Override
  public StageResult run(CollectInput input) {
    return HumanCollectStage.run(input.ctx(), input.policy(), Workflow.getInfo().getTaskQueue());
  }
}
