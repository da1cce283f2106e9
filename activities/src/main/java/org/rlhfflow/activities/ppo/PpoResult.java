package org.rlhfflow.activities.ppo;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.registry.TunedPolicy;
import org.rlhfflow.store.ArtifactRef;

/**
 * What PPO made; on the wire the generic {@link StageResult}.
 *
 * @param checkpoint the tuned policy
 * @param critic the value model, to continue training from
 * @param curve reward and KL per iteration (JSON), for the over-optimisation plot; may be null
 */
public record PpoResult(ArtifactRef checkpoint, ArtifactRef critic, ArtifactRef curve, StageResult run)
    implements TunedPolicy {
  static final String CHECKPOINT = "checkpoint";
  static final String CRITIC = "critic";
  static final String CURVE = "curve";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static PpoResult of(StageResult run) {
    return new PpoResult(run.output(CHECKPOINT), run.outputs().get(CRITIC), run.outputs().get(CURVE), run);
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
