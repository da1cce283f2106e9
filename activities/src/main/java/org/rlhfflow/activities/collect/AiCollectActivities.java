package org.rlhfflow.activities.collect;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * The collect stage with AI feedback, fanned out: sample the comparisons (one activity), label
 * them in shards that run at once on as many workers as poll the queue, then merge the verdicts
 * into the preference dataset. The merge has the collect stage's documented cache key, outputs and
 * metrics, so a pipeline reuses what the single-activity collect made and the reverse.
 *
 * <pre>{@code
 * AiComparisons c = acts.sampleComparisons(input);           // or c.reused(): nothing to do
 * ShardResult r = acts.judgeShard(new ShardInput(input, c, c.shards().get(s)));   // one per shard, in parallel
 * StageResult done = acts.finishAiCollect(new FinishAiInput(input, c, results, wallSeconds));
 * }</pre>
 */
@ActivityInterface
public interface AiCollectActivities {

  /**
   * A contiguous run of the judge's batches ({@code Judge.batches}): what one shard activity labels.
   *
   * @param firstBatch index of its first batch
   * @param batches how many batches, at least one
   */
  record JudgeShard(int index, int firstBatch, int batches) {}

  /**
   * The sampled comparisons and how they are split.
   *
   * @param reused the collect stage's result when a completed run with its cache key exists (the
   *     workflow then schedules nothing else), else null
   * @param comparisons the comparisons as JSON ({@link ComparisonFiles}), null when reused
   * @param count comparisons in the file
   * @param shards the shards to schedule, in order; empty when reused
   * @param sampling the sampling phase's own run (wall time, cache key)
   */
  record AiComparisons(StageResult reused, ArtifactRef comparisons, int count, List<JudgeShard> shards,
      StageResult sampling) {}

  record ShardInput(CollectInput collect, AiComparisons comparisons, JudgeShard shard) {}

  /**
   * @param verdicts the shard's verdicts as JSON, in batch order ({@link ComparisonFiles})
   * @param comparisons how many comparisons it judged
   * @param wallSeconds the shard's labelling time on its worker (its first run's time when reused)
   */
  record ShardResult(int index, ArtifactRef verdicts, int comparisons, double wallSeconds) {}

  /**
   * @param labelSeconds workflow time from scheduling the first shard to the last shard's result:
   *     the labelling wall time that more workers shorten
   */
  record FinishAiInput(CollectInput collect, AiComparisons comparisons, List<ShardResult> shards,
      double labelSeconds) {}

  /**
   * Checks the judge and the constitution, then samples K responses per prompt from the policy and
   * stores every comparison with its drawn principle.
   */
  @ActivityMethod(name = "SampleAiComparisons")
  AiComparisons sampleComparisons(CollectInput input);

  /** Labels one shard's batches, heartbeating after each and resuming from the last one stored. */
  @ActivityMethod(name = "JudgeShard")
  ShardResult judgeShard(ShardInput input);

  /** The verdicts as the preference dataset (output {@code preferences}) and the collect/ai metrics. */
  @ActivityMethod(name = "FinishAiCollect")
  StageResult finishAiCollect(FinishAiInput input);
}
