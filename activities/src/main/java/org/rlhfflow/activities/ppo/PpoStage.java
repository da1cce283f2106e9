package org.rlhfflow.activities.ppo;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.activities.sft.SftStage;

/** The PPO stage's registry entry: {@code method: ppo}. */
public final class PpoStage {
  public static final String NAME = "ppo";

  public static final StageDef<PpoInput, PpoResult> DEF = StageDef.builder(NAME, PpoInput.class, PpoResult::of)
      .setActivityType("Ppo")
      .setReads("model", "task", "data.prompt_dataset", "ppo")
      .optFiles("data.prompt_dataset")
      .setBudget(Duration.ofHours(24)) // the longest stage by far
      .optMethod()
      .optNeeds(spec -> List.of(RewardModelStage.NAME))
      .optUses(spec -> List.of(SftStage.NAME)) // the initial policy and reference; PPO rejects a missing one
      .setInput((ctx, up) -> {
        SftResult sft = up.get(SftStage.DEF);
        return new PpoInput(ctx, sft == null ? null : sft.checkpoint(),
            up.require(RewardModelStage.DEF, NAME).checkpoint());
      })
      .setImplementation(services -> new PpoActivitiesImpl(services))
      .build();

  private PpoStage() {}
}
