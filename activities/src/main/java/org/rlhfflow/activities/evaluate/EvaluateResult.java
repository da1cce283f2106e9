package org.rlhfflow.activities.evaluate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * What evaluation made; on the wire the generic {@link StageResult}.
 *
 * @param report the figures and example responses (JSON)
 * @param plot reward over iterations (PNG), or null without a curve
 */
public record EvaluateResult(ArtifactRef report, ArtifactRef plot, StageResult run) {
  static final String REPORT = "report";
  static final String PLOT = "plot";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static EvaluateResult of(StageResult run) {
    return new EvaluateResult(run.output(REPORT), run.outputs().get(PLOT), run);
  }

  @JsonValue
  public StageResult wire() {
    return run;
  }
}
