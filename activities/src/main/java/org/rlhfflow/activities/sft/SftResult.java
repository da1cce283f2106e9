package org.rlhfflow.activities.sft;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * What SFT made. On the wire it is the generic {@link StageResult}, so histories written before the
 * typed results existed still replay.
 *
 * @param checkpoint the model after the last step (weights only)
 * @param dataset the pairs it trained on (Arrow), for lineage
 */
public record SftResult(ArtifactRef checkpoint, ArtifactRef dataset, StageResult run) {
  static final String CHECKPOINT = "checkpoint";
  static final String DATASET = "dataset";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static SftResult of(StageResult run) {
    return new SftResult(run.output(CHECKPOINT), run.outputs().get(DATASET), run);
  }

  @JsonValue
  public StageResult wire() {
    return run;
  }
}
