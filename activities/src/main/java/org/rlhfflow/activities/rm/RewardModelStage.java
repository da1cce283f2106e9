package org.rlhfflow.activities.rm;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.activities.sft.SftStage;

/** The reward-model stage's registry entry. */
public final class RewardModelStage {
  public static final String NAME = "reward_model";

  public static final StageDef<RewardModelInput, RewardModelResult> DEF =
      StageDef.builder(NAME, RewardModelInput.class, RewardModelResult::of)
          .setActivityType("RewardModel")
          // preferences.source and task.name decide whether rm/heldout_oracle_accuracy exists; the
          // test split's content and how it is parsed decide rm/test_*.
          .setReads("model", "reward_model", "preferences.source", "task.name", "preferences.dataset_format",
              PreferenceTestSplit.SPEC_KEY)
          .optFiles(PreferenceTestSplit.SPEC_KEY)
          .setBudget(Duration.ofHours(12)) // a whole attempt; the heartbeat timeout catches dead workers
          .optNeeds(spec -> List.of(CollectStage.NAME))
          .optUses(spec -> List.of(SftStage.NAME)) // its trunk; without SFT, the base model's
          // DPO learns from the pairs directly; verifier rewards need no learned reward.
          .optSkip(spec -> spec.usesRewardModel() ? null : "method " + spec.method() + " with reward.source "
              + spec.reward().source().name().toLowerCase() + " trains no reward model")
          .setInput((ctx, up) -> {
            SftResult sft = up.get(SftStage.DEF);
            return new RewardModelInput(ctx, sft == null ? null : sft.checkpoint(),
                up.require(CollectStage.DEF, NAME).preferences());
          })
          .setImplementation(services -> new RewardModelActivitiesImpl(services))
          .build();

  private RewardModelStage() {}
}
