package org.rlhfflow.workflows.human;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.HumanCollectActivities.FinishInput;
import org.rlhfflow.activities.human.HumanCollectActivities.HumanItems;
import org.rlhfflow.activities.human.HumanCollectActivities.ItemBatch;
import org.rlhfflow.activities.human.HumanCollectActivities;
import org.rlhfflow.store.ArtifactRef;

/**
 * The collect stage with people, inside the pipeline workflow: sample the items, wait for one
 * {@link HumanFeedbackWorkflow} child per batch (ids {@code <pipeline>-label-<b>}, visible in the
 * Temporal UI), then turn the rankings into preferences. Workflow code: no I/O.
 */
public final class HumanCollectStage {
  private HumanCollectStage() {}

  private static final RetryOptions RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setBackoffCoefficient(2.0)
      .setMaximumInterval(Duration.ofMinutes(1))
      .setMaximumAttempts(10)
      .build();

  /** The id of batch {@code b}'s child; the web app finds batches by probing these. */
  public static String batchId(String pipelineId, int b) {
    return pipelineId + "-label-" + b;
  }

  public static StageResult run(StageContext ctx, ArtifactRef policy, String taskQueue) {
    HumanCollectActivities acts = Workflow.newActivityStub(HumanCollectActivities.class, ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofHours(2)) // sampling K responses per prompt, as the collect stage
        .setHeartbeatTimeout(Duration.ofSeconds(30)) // one generation batch between heartbeats
        .setRetryOptions(RETRY)
        .build());
    HumanItems items = acts.sampleItems(new CollectInput(ctx, policy, null));
    List<Promise<FeedbackResult>> waits = new ArrayList<>();
    for (ItemBatch b : items.batches()) {
      String id = batchId(ctx.workflowId(), b.index());
      HumanFeedbackWorkflow child = Workflow.newChildWorkflowStub(HumanFeedbackWorkflow.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(id).build());
      waits.add(Async.function(child::run, new FeedbackInput(id, b.items(), b.itemIds(), items.k(),
          items.minAnnotators(), List.of(), items.deadlineSeconds(), items.minFraction(), items.rankingsPerRun(),
          null)));
    }
    List<FeedbackResult> results = new ArrayList<>();
    for (Promise<FeedbackResult> w : waits) {
      results.add(w.get());
    }
    HumanCollectActivities finish = Workflow.newActivityStub(HumanCollectActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(taskQueue)
            .setStartToCloseTimeout(Duration.ofMinutes(30)) // pairs and statistics: seconds per 10k rankings
            .setRetryOptions(RETRY)
            .build());
    return finish.finish(new FinishInput(ctx, items, results));
  }
}
