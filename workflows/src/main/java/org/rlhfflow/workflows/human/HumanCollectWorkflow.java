package org.rlhfflow.workflows.human;

import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.collect.CollectStage;

/**
 * The collect stage for {@code preferences.source: human}, run by the pipeline as a child workflow
 * in place of the {@code CollectPreferences} activity: it takes the registry entry's input and
 * returns the same {@link StageResult}, so every later stage reads it as any collect result.
 */
@WorkflowInterface
public interface HumanCollectWorkflow {
  String TYPE = "HumanCollect";

  @WorkflowMethod(name = TYPE)
  StageResult run(CollectInput input);

  /** Whether the pipeline runs {@code stage} as this workflow for this preference source. */
  static boolean runs(String stage, String preferenceSource) {
    return CollectStage.NAME.equals(stage) && "human".equals(preferenceSource);
  }

  /** Id {@code <pipeline>-collect}, on the queue the spec gives the collect stage. */
  static ChildWorkflowOptions options(String pipelineId, String taskQueue) {
    return ChildWorkflowOptions.newBuilder().setWorkflowId(pipelineId + "-collect").setTaskQueue(taskQueue).build();
  }
}
