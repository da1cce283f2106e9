package org.rlhfflow.activities.dpo;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.registry.TunedPolicy;
import org.rlhfflow.store.ArtifactRef;

/**
 * What DPO made; on the wire the generic {@link StageResult}.
 *
 * @param checkpoint the tuned policy
 * @param referenceLogps the cached reference log-probs it trained against (lineage)
 */
public record DpoResult(ArtifactRef checkpoint, ArtifactRef referenceLogps, StageResult run) implements TunedPolicy {
  static final String CHECKPOINT = "checkpoint";
  static final String REFERENCE_LOGPS = "reference_logps";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static DpoResult of(StageResult run) {
    return new DpoResult(run.output(CHECKPOINT), run.outputs().get(REFERENCE_LOGPS), run);
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
