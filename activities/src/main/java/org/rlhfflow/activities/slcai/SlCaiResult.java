package org.rlhfflow.activities.slcai;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.store.ArtifactRef;

/**
 * What SL-CAI's generation made; on the wire the generic {@link StageResult}.
 *
 * @param chains every chain (prompt, initial response, per round principle, critique, revision), Arrow
 * @param sftData the fine-tuning pairs: (prompt, final revision) plus the helpful mix, Arrow
 * @param sample a readable text of the first chains, for people
 */
public record SlCaiResult(ArtifactRef chains, ArtifactRef sftData, ArtifactRef sample, StageResult run) {
  static final String CHAINS = "chains";
  static final String SFT_DATA = "sft_data";
  static final String SAMPLE = "sample";

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static SlCaiResult of(StageResult run) {
    return new SlCaiResult(run.output(CHAINS), run.output(SFT_DATA), run.outputs().get(SAMPLE), run);
  }

  @JsonValue
  public StageResult wire() {
    return run;
  }
}
