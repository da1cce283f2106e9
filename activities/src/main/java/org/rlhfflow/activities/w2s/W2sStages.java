package org.rlhfflow.activities.w2s;

import java.time.Duration;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.w2s.W2sActivities.DataInput;
import org.rlhfflow.activities.w2s.W2sActivities.TrainInput;

/**
 * The weak-to-strong activities as stage definitions: their names, the spec keys in their cache
 * keys, the files hashed into them and their budgets. They are not in {@code StageRegistry}: the
 * WeakToStrong workflow schedules them, many times per sweep, not the RlhfPipeline.
 */
public final class W2sStages {
  public static final String DATA_NAME = "w2s_data";
  public static final String TRAIN_NAME = "w2s_train";
  public static final String PRETRAIN_NAME = "w2s_pretrain";

  private static UnsupportedOperationException notAPipelineStage() {
    return new UnsupportedOperationException("weak-to-strong runs are scheduled by the WeakToStrong workflow");
  }

  /** One seed's splits; a user dataset's bytes are part of the cache key. */
  public static final StageDef<DataInput, W2sActivities.DataResult> DATA =
      StageDef.<DataInput, W2sActivities.DataResult>builder(DATA_NAME, DataInput.class, r -> {
        throw notAPipelineStage();
      })
          .setActivityType("W2sData")
          .setReads("model", "w2s")
          .optFiles("w2s.dataset", "w2s.preference_dataset")
          .setBudget(Duration.ofHours(1)) // reading and cutting a dataset
          .setInput((ctx, up) -> {
            throw notAPipelineStage();
          })
          .setImplementation(W2sActivitiesImpl::new)
          .build();

  /**
   * One preset's language-model pretraining on the task's corpus, once per sweep: its cache key
   * reads only what shapes the model and the corpus, so changing the fine-tuning settings reuses it.
   */
  public static final StageDef<W2sActivities.PretrainInput, W2sActivities.PretrainResult> PRETRAIN =
      StageDef.<W2sActivities.PretrainInput, W2sActivities.PretrainResult>builder(PRETRAIN_NAME,
              W2sActivities.PretrainInput.class, r -> {
                throw notAPipelineStage();
              })
          .setActivityType("W2sPretrain")
          .setReads("model", "w2s.pretrain", "w2s.task")
          .setBudget(Duration.ofHours(12))
          .setInput((ctx, up) -> {
            throw notAPipelineStage();
          })
          .setImplementation(W2sActivitiesImpl::new)
          .build();

  /** One classifier run: minutes on CPU for the built-in task's presets. */
  public static final StageDef<TrainInput, W2sActivities.TrainResult> TRAIN =
      StageDef.<TrainInput, W2sActivities.TrainResult>builder(TRAIN_NAME, TrainInput.class, r -> {
        throw notAPipelineStage();
      })
          .setActivityType("W2sTrain")
          .setReads("model", "w2s")
          .setBudget(Duration.ofHours(6))
          .setInput((ctx, up) -> {
            throw notAPipelineStage();
          })
          .setImplementation(W2sActivitiesImpl::new)
          .build();

  private W2sStages() {}
}
