package org.rlhfflow.activities.dpo;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.activities.sft.SftStage;

/** The DPO stage's registry entry: {@code method: dpo}, no reward model. */
public final class DpoStage {
  public static final String NAME = "dpo";

  public static final StageDef<DpoInput, DpoResult> DEF = StageDef.builder(NAME, DpoInput.class, DpoResult::of)
      .setActivityType("Dpo")
      // The pairs' digest is an input; data.preference_dataset is read when there is no collect output.
      .setReads("model", "dpo")
      .setBudget(Duration.ofHours(12)) // a whole attempt; the heartbeat timeout catches dead workers
      .optMethod()
      .optNeeds(spec -> List.of(CollectStage.NAME, SftStage.NAME)) // the pairs; the policy and reference
      .setInput((ctx, up) -> {
        SftResult sft = up.get(SftStage.DEF);
        return new DpoInput(ctx, sft == null ? null : sft.checkpoint(), up.require(CollectStage.DEF, NAME).preferences());
      })
      .setImplementation(services -> new DpoActivitiesImpl(services))
      .build();

  private DpoStage() {}
}
