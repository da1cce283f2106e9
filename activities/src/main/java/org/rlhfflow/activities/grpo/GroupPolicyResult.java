package org.rlhfflow.activities.grpo;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.registry.TunedPolicy;
import org.rlhfflow.store.ArtifactRef;

/**
 * What GRPO or RLOO made; on the wire the generic {@link StageResult}.
 *
 * @param checkpoint the tuned policy
 */
public record GroupPolicyResult(ArtifactRef checkpoint, StageResult run) implements TunedPolicy {
  static final String CHECKPOINT = "checkpoint";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static GroupPolicyResult of(StageResult run) {
    return new GroupPolicyResult(run.output(CHECKPOINT), run);
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
