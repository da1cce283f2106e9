package org.rlhfflow.activities.collect;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * What the collect stage made; on the wire the generic {@link StageResult}.
 *
 * @param preferences the pairs (Arrow, docs/datasets.md)
 */
public record CollectResult(ArtifactRef preferences, StageResult run) {
  static final String PREFERENCES = "preferences";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static CollectResult of(StageResult run) {
    return new CollectResult(run.output(PREFERENCES), run);
  }

  @JsonValue
  public StageResult wire() {
    return run;
  }
}
