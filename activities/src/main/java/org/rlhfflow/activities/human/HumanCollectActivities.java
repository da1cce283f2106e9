package org.rlhfflow.activities.human;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * The collect stage with people: sample the items, then (after the HumanFeedback children have
 * waited for the rankings) turn the rankings into the preference dataset.
 */
@ActivityInterface
public interface HumanCollectActivities {

  /**
   * One batch of items: a content-addressed JSON ({@link LabelItems}) and its item range.
   *
   * @param firstItem index of the batch's first item; item ids are {@link LabelItems#itemId}
   */
  record ItemBatch(int index, ArtifactRef items, int firstItem, int count) {
    public List<String> itemIds() {
      return LabelItems.itemIds(firstItem, count);
    }
  }

  /**
   * The sampled batches and the waiting rules from preferences.human, so the workflow need not
   * parse the spec.
   */
  record HumanItems(int k, int minAnnotators, long deadlineSeconds, double minFraction, int rankingsPerRun,
      List<ItemBatch> batches, StageResult sampling) {}

  record FinishInput(StageContext ctx, HumanItems items, List<FeedbackResult> results) {}

  /** Samples K responses per prompt from the policy and stores them, one items file per batch. */
  @ActivityMethod(name = "SampleHumanItems")
  HumanItems sampleItems(CollectInput input);

  /** Rankings to pairs, agreement to MLflow, the preference Arrow as output {@code preferences}. */
  @ActivityMethod(name = "FinishHumanCollect")
  StageResult finish(FinishInput input);
}
