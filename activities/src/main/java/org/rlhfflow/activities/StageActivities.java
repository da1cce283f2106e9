package org.rlhfflow.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import org.rlhfflow.activities.StageInputs.CollectInput;
import org.rlhfflow.activities.StageInputs.EvaluateInput;
import org.rlhfflow.activities.StageInputs.PpoInput;
import org.rlhfflow.activities.StageInputs.RewardModelInput;
import org.rlhfflow.activities.StageInputs.SftInput;

/** The stage activities, one interface per stage as in Temporal's samples. */
public final class StageActivities {
  private StageActivities() {}

  @ActivityInterface
  public interface CollectPreferencesActivities {
    @ActivityMethod(name = "CollectPreferences")
    StageResult collect(CollectInput input);
  }

  @ActivityInterface
  public interface SftActivities {
    @ActivityMethod(name = "Sft")
    StageResult sft(SftInput input);
  }

  @ActivityInterface
  public interface RewardModelActivities {
    @ActivityMethod(name = "RewardModel")
    StageResult trainRewardModel(RewardModelInput input);
  }

  @ActivityInterface
  public interface PpoActivities {
    @ActivityMethod(name = "Ppo")
    StageResult ppo(PpoInput input);
  }

  @ActivityInterface
  public interface EvaluateActivities {
    @ActivityMethod(name = "Evaluate")
    StageResult evaluate(EvaluateInput input);
  }
}
