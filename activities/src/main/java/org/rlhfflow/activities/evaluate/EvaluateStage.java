package org.rlhfflow.activities.evaluate;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.registry.TunedPolicy;
import org.rlhfflow.activities.rm.RewardModelResult;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.activities.slcai.SlCaiSftResult;
import org.rlhfflow.activities.slcai.SlCaiStages;

/** The evaluate stage's registry entry: runs after every method. */
public final class EvaluateStage {
  public static final String NAME = "evaluate";

  public static final StageDef<EvaluateInput, EvaluateResult> DEF =
      StageDef.builder(NAME, EvaluateInput.class, EvaluateResult::of)
          .setActivityType("Evaluate")
          // preferences.source decides whether there is an oracle to score by (imported data has none).
          .setReads("task", "evaluation", "preferences.source")
          .setBudget(Duration.ofHours(2)) // sampling both policies on the held-out prompts
          .optLast()
          .optNeeds(spec -> List.of(spec.method()))
          .optUses(spec -> List.of(SftStage.NAME, RewardModelStage.NAME))
          .setInput((ctx, up) -> {
            SftResult sft = up.get(SftStage.DEF);
            RewardModelResult rm = up.get(RewardModelStage.DEF);
            TunedPolicy tuned = up.tuned();
            // RL-CAI ran SL-CAI before PPO: its policy is the trade-off plot's middle point.
            SlCaiSftResult slCai = up.get(SlCaiStages.SFT_DEF);
            return new EvaluateInput(ctx, sft == null ? null : sft.checkpoint(),
                tuned == null ? null : tuned.policy(), rm == null ? null : rm.checkpoint(),
                tuned == null ? null : tuned.curve(), slCai == null || slCai.equals(tuned) ? null : slCai.checkpoint());
          })
          .setImplementation(services -> new EvaluateActivitiesImpl(services))
          .build();

  private EvaluateStage() {}
}
