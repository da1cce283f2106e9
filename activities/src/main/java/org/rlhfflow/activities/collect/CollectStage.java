package org.rlhfflow.activities.collect;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.pretrain.PretrainResult;
import org.rlhfflow.activities.pretrain.PretrainStage;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.activities.slcai.SlCaiStages;
import org.rlhfflow.spec.ExperimentSpec;

/** The collect stage's registry entry. */
public final class CollectStage {
  public static final String NAME = "collect";

  public static final StageDef<CollectInput, CollectResult> DEF =
      StageDef.builder(NAME, CollectInput.class, CollectResult::of)
          .setActivityType("CollectPreferences")
          .setReads("model", "task", "data.prompt_dataset", "data.preference_dataset", "preferences")
          .optFiles("data.prompt_dataset", "data.preference_dataset")
          .setBudget(Duration.ofHours(2)) // sampling K responses per prompt
          .optSkip(spec -> spec.usesPreferences() ? null : "method " + spec.method() + " with reward.source "
              + spec.reward().source().name().toLowerCase(java.util.Locale.ROOT) + " needs no preferences")
          // Simulated and human labels rank samples of the SFT policy (InstructGPT); a dataset needs no
          // policy, so it runs first and a bad file fails before any training. With human labels the
          // pipeline runs this stage as the HumanCollect child workflow (people take hours), not as
          // the CollectPreferences activity; the input and the result are the same records.
          // AI feedback samples the SFT policy too, and its judge may be a stage's output
          // (preferences.ai.judge: pretrain or sft).
          .optNeeds(CollectStage::needs)
          // RL-CAI samples its pairs from the SL-CAI policy (Bai et al. 2022, sec. 4.1).
          .setInput((ctx, up) -> {
            PretrainResult base = up.get(PretrainStage.DEF);
            return new CollectInput(ctx, SlCaiStages.startingPolicy(up), base == null ? null : base.checkpoint());
          })
          .setImplementation(services -> new CollectPreferencesActivitiesImpl(services))
          .build();

  private CollectStage() {}

  private static List<String> needs(ExperimentSpec spec) {
    return spec.rlFromSlCai() ? SlCaiStages.withSlCai(sourceNeeds(spec)) : sourceNeeds(spec);
  }

  private static List<String> sourceNeeds(ExperimentSpec spec) {
    return switch (spec.preferences().source()) {
      case SIMULATED, HUMAN -> List.of(SftStage.NAME);
      case AI -> spec.preferences().ai().judge().equals(PretrainStage.NAME)
          ? List.of(SftStage.NAME, PretrainStage.NAME) : List.of(SftStage.NAME);
      default -> List.of();
    };
  }
}
