package org.rlhfflow.activities.pretrain;

import java.time.Duration;
import org.rlhfflow.activities.registry.StageDef;

/** The pretrain stage's registry entry: runs before SFT when pretrain.epochs > 0. */
public final class PretrainStage {
  public static final String NAME = "pretrain";

  public static final StageDef<PretrainInput, PretrainResult> DEF =
      StageDef.builder(NAME, PretrainInput.class, PretrainResult::of)
          .setActivityType("Pretrain")
          .setReads("model", "task.name", "pretrain")
          .setBudget(Duration.ofHours(12)) // a whole attempt; the heartbeat timeout catches dead workers
          .optSkip(spec -> spec.pretrain().epochs() == 0 ? "pretrain.epochs is 0" : null)
          .setInput((ctx, up) -> new PretrainInput(ctx))
          .setImplementation(services -> new PretrainActivitiesImpl(services))
          .build();

  private PretrainStage() {}
}
