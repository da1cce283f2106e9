package org.rlhfflow.activities.rm;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * What the reward-model stage made; on the wire the generic {@link StageResult}.
 *
 * @param checkpoint a scalar-head model of kind reward
 */
public record RewardModelResult(ArtifactRef checkpoint, StageResult run) {
  static final String CHECKPOINT = "checkpoint";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static RewardModelResult of(StageResult run) {
    return new RewardModelResult(run.output(CHECKPOINT), run);
  }

  @JsonValue
  public StageResult wire() {
    return run;
  }
}
