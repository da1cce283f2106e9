package org.rlhfflow.activities.slcai;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.registry.TunedPolicy;
import org.rlhfflow.store.ArtifactRef;

/** The SL-CAI model; on the wire the generic {@link StageResult}. */
public record SlCaiSftResult(ArtifactRef checkpoint, StageResult run) implements TunedPolicy {
  static final String CHECKPOINT = "checkpoint";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static SlCaiSftResult of(StageResult run) {
    return new SlCaiSftResult(run.output(CHECKPOINT), run);
  }

  @Override
  public ArtifactRef policy() {
    return checkpoint;
  }

  @JsonValue
  public StageResult wire() {
    return run;
  }
}
