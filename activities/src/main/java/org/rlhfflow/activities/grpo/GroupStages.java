package org.rlhfflow.activities.grpo;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.rm.RewardModelResult;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.activities.sft.SftStage;

/**
 * The registry entries of {@code method: grpo} and {@code method: rloo}. Both need the reward model
 * unless {@code reward.source} is the verifier, in which case the pipeline is sft, the method and
 * evaluate, with no preferences at all.
 */
public final class GroupStages {
  public static final String GRPO = "grpo";
  public static final String RLOO = "rloo";

  public static final StageDef<GroupPolicyInput, GroupPolicyResult> GRPO_DEF = def(GRPO, "Grpo",
      services -> new GrpoActivitiesImpl(services));

  public static final StageDef<GroupPolicyInput, GroupPolicyResult> RLOO_DEF = def(RLOO, "Rloo",
      services -> new RlooActivitiesImpl(services));

  private GroupStages() {}

  private static StageDef<GroupPolicyInput, GroupPolicyResult> def(String name, String activityType,
      java.util.function.Function<org.rlhfflow.activities.StageServices, Object> impl) {
    return StageDef.builder(name, GroupPolicyInput.class, GroupPolicyResult::of)
        .setActivityType(activityType)
        .setReads("model", "task", "data.prompt_dataset", name, "reward")
        .optFiles("data.prompt_dataset")
        .setBudget(Duration.ofHours(24)) // sampling G responses per prompt every iteration, like PPO
        .optMethod()
        .optNeeds(spec -> spec.usesRewardModel() ? List.of(RewardModelStage.NAME, SftStage.NAME) : List.of(SftStage.NAME))
        .setInput((ctx, up) -> {
          SftResult sft = up.get(SftStage.DEF);
          RewardModelResult rm = up.get(RewardModelStage.DEF);
          return new GroupPolicyInput(ctx, sft == null ? null : sft.checkpoint(), rm == null ? null : rm.checkpoint());
        })
        .setImplementation(impl)
        .build();
  }
}
