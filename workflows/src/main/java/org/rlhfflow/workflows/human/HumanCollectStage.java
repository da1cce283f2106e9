package org.rlhfflow.workflows.human;

import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
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
import org.rlhfflow.activities.human.RankingStoreActivities;
import org.rlhfflow.activities.human.RankingStoreActivities.FindInput;
import org.rlhfflow.activities.human.RankingStoreActivities.Found;
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
    // Checked before the first command, so old histories replay on the old path.
    int version = Workflow.getVersion("human-rankings-in-store", Workflow.DEFAULT_VERSION, 1);
    HumanItems items = acts.sampleItems(new CollectInput(ctx, policy, null));
    List<FeedbackResult> results = version == Workflow.DEFAULT_VERSION
        ? waitInline(ctx, items) : waitStored(ctx, items, taskQueue);
    HumanCollectActivities finish = Workflow.newActivityStub(HumanCollectActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(taskQueue)
            .setStartToCloseTimeout(Duration.ofMinutes(30)) // pairs and statistics: seconds per 10k rankings
            .setRetryOptions(RETRY)
            .build());
    return finish.finish(new FinishInput(ctx, items, results));
  }

  /** Before the rankings store: every batch's rankings come back inline in its result. */
  private static List<FeedbackResult> waitInline(StageContext ctx, HumanItems items) {
    List<Promise<FeedbackResult>> waits = new ArrayList<>();
    for (ItemBatch b : items.batches()) {
      String id = batchId(ctx.workflowId(), b.index());
      HumanFeedbackWorkflow child = Workflow.newChildWorkflowStub(HumanFeedbackWorkflow.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(id).build());
      waits.add(Async.function(child::run, new FeedbackInput(id, b.items(), b.itemIds(), items.k(),
          items.minAnnotators(), List.of(), items.deadlineSeconds(), items.minFraction(), items.rankingsPerRun(),
          null)));
    }
    return collect(waits);
  }

  /**
   * Rankings in the artifact store under each batch's rankings key. A batch some earlier run (a
   * resumed pipeline, the same spec run again) finished is reused and nobody is asked again; one it
   * left half done starts from the rankings it saved.
   */
  private static List<FeedbackResult> waitStored(StageContext ctx, HumanItems items, String taskQueue) {
    RankingStoreActivities store = Workflow.newActivityStub(RankingStoreActivities.class, ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofMinutes(2)) // a few manifest reads and one rankings file
        .setRetryOptions(RETRY)
        .build());
    List<Promise<Found>> lookups = new ArrayList<>();
    for (ItemBatch b : items.batches()) {
      String key = RankingStoreActivities.key(b.items(), items.k(), items.minAnnotators());
      lookups.add(Async.function(store::find, new FindInput(key, b.firstItem(), b.count())));
    }
    List<Promise<FeedbackResult>> waits = new ArrayList<>();
    for (int i = 0; i < items.batches().size(); i++) {
      ItemBatch b = items.batches().get(i);
      Found found = lookups.get(i).get();
      if (found.finished() != null) {
        waits.add(Workflow.newPromise(found.finished()));
        continue;
      }
      String id = batchId(ctx.workflowId(), b.index());
      HumanFeedbackWorkflow child = Workflow.newChildWorkflowStub(HumanFeedbackWorkflow.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(id)
              // A cancelled or terminated pipeline asks its batches to stop, and they save their rankings first.
              .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
              .build());
      waits.add(Async.function(child::run, new FeedbackInput(id, b.items(), null, items.k(), items.minAnnotators(),
          List.of(), items.deadlineSeconds(), items.minFraction(), items.rankingsPerRun(), found.partial(),
          RankingStoreActivities.key(b.items(), items.k(), items.minAnnotators()), b.firstItem(), b.count())));
    }
    return collect(waits);
  }

  private static List<FeedbackResult> collect(List<Promise<FeedbackResult>> waits) {
    List<FeedbackResult> results = new ArrayList<>();
    for (Promise<FeedbackResult> w : waits) {
      results.add(w.get());
    }
    return results;
  }
}
