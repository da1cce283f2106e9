package org.rlhfflow.activities.pretrain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * What pretraining made; on the wire the generic {@link StageResult}.
 *
 * @param checkpoint the base model after the last step (weights only)
 * @param corpus the documents it trained on (Arrow SFT pairs with an empty prompt), for lineage
 */
public record PretrainResult(ArtifactRef checkpoint, ArtifactRef corpus, StageResult run) {
  static final String CHECKPOINT = "checkpoint";
  static final String CORPUS = "corpus";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static PretrainResult of(StageResult run) {
    return new PretrainResult(run.output(CHECKPOINT), run.outputs().get(CORPUS), run);
  }

  @JsonValue
  public StageResult wire() {
    return run;
  }
}
