package org.rlhfflow.workflows.ai;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.AiCollectActivities;
import org.rlhfflow.activities.collect.AiCollectActivities.AiComparisons;
import org.rlhfflow.activities.collect.AiCollectActivities.FinishAiInput;
import org.rlhfflow.activities.collect.AiCollectActivities.JudgeShard;
import org.rlhfflow.activities.collect.AiCollectActivities.ShardInput;
import org.rlhfflow.activities.collect.AiCollectActivities.ShardResult;
import org.rlhfflow.activities.collect.CollectInput;

/**
 * The collect stage with AI feedback inside the pipeline workflow: sample the comparisons, schedule
 * every judge shard at once (each worker polling the stage's queue takes one; Lee et al. 2023 label
 * with an off-the-shelf LLM, which is embarrassingly parallel), then merge. Workflow code: no I/O.
 */
public final class AiCollectFanout {
  private AiCollectFanout() {}

  /**
   * @param options the collect stage's activity options (queue, budget, heartbeat timeout, retries),
   *     used for all three steps: a shard is as long-running and as resumable as the stage was
   */
  public static StageResult run(CollectInput input, ActivityOptions options) {
    AiCollectActivities acts = Workflow.newActivityStub(AiCollectActivities.class, options);
    long start = Workflow.currentTimeMillis();
    AiComparisons comparisons = acts.sampleComparisons(input);
    if (comparisons.reused() != null) {
      return comparisons.reused();
    }
    long labelStart = Workflow.currentTimeMillis();
    List<Promise<ShardResult>> pending = new ArrayList<>();
    for (JudgeShard shard : comparisons.shards()) {
      pending.add(Async.function(acts::judgeShard, new ShardInput(input, comparisons, shard)));
    }
    List<ShardResult> shards = new ArrayList<>();
    for (Promise<ShardResult> p : pending) {
      shards.add(p.get());
    }
    double labelSeconds = (Workflow.currentTimeMillis() - labelStart) / 1000.0;
    StageResult merged = acts.finishAiCollect(new FinishAiInput(input, comparisons, shards, labelSeconds));
    // The stage's wall time is all three steps (the merge alone is a fraction of a second).
    double wall = merged.reused() ? merged.wallSeconds() : (Workflow.currentTimeMillis() - start) / 1000.0;
    return new StageResult(merged.stage(), merged.outputs(), merged.metrics(), merged.cacheKey(), merged.reused(), wall);
  }
}
