package org.rlhfflow.activities.sft;

import java.time.Duration;
import org.rlhfflow.activities.registry.StageDef;

/** The SFT stage's registry entry. */
public final class SftStage {
  public static final String NAME = "sft";

  public static final StageDef<SftInput, SftResult> DEF = StageDef.builder(NAME, SftInput.class, SftResult::of)
      .setActivityType("Sft")
      .setReads("model", "task", "data.sft_dataset", "sft")
      .setBudget(Duration.ofHours(12)) // a whole attempt; the heartbeat timeout catches dead workers
      .optSkip(spec -> spec.sft().epochs() == 0 ? "sft.epochs is 0" : null)
      .setInput((ctx, up) -> new SftInput(ctx, null, null))
      .setImplementation(services -> new SftActivitiesImpl(services))
      .build();

  private SftStage() {}
}
