package org.rlhfflow.activities.sft;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.pretrain.PretrainResult;
import org.rlhfflow.activities.pretrain.PretrainStage;
import org.rlhfflow.activities.registry.StageDef;

/** The SFT stage's registry entry. */
public final class SftStage {
  public static final String NAME = "sft";

  public static final StageDef<SftInput, SftResult> DEF = StageDef.builder(NAME, SftInput.class, SftResult::of)
      .setActivityType("Sft")
      .setReads("model", "task", "data.sft_dataset", "sft")
      .setBudget(Duration.ofHours(12)) // a whole attempt; the heartbeat timeout catches dead workers
      .optSkip(spec -> spec.sft().epochs() == 0 ? "sft.epochs is 0" : null)
      // A pretrained base model, when the spec pretrains one, is where SFT starts.
      .optUses(spec -> List.of(PretrainStage.NAME))
      .setInput((ctx, up) -> {
        PretrainResult base = up.get(PretrainStage.DEF);
        return new SftInput(ctx, base == null ? null : base.checkpoint(), null);
      })
      .setImplementation(services -> new SftActivitiesImpl(services))
      .build();

  private SftStage() {}
}
