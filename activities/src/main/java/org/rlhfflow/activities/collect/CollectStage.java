package org.rlhfflow.activities.collect;

import java.time.Duration;
import java.util.List;
import org.rlhfflow.activities.registry.StageDef;
import org.rlhfflow.activities.sft.SftResult;
import org.rlhfflow.activities.sft.SftStage;

/** The collect stage's registry entry. */
public final class CollectStage {
  public static final String NAME = "collect";

  public static final StageDef<CollectInput, CollectResult> DEF =
      StageDef.builder(NAME, CollectInput.class, CollectResult::of)
          .setActivityType("CollectPreferences")
          .setReads("model", "task", "data.prompt_dataset", "data.preference_dataset", "preferences")
          .optFiles("data.prompt_dataset", "data.preference_dataset")
          .setBudget(Duration.ofHours(2)) // sampling K responses per prompt
          .optSkip(spec -> spec.usesPreferences() ? null : "method " + spec.method() + " with verifier rewards needs no preferences")
          // Simulated and human labels rank samples of the SFT policy (InstructGPT); a dataset needs no
          // policy, so it runs first and a bad file fails before any training. With human labels the
          // pipeline runs this stage as the HumanCollect child workflow (people take hours), not as
          // the CollectPreferences activity; the input and the result are the same records.
          .optNeeds(spec -> spec.preferences().source() == PreferenceSpec.Source.SIMULATED
              || spec.preferences().source() == PreferenceSpec.Source.HUMAN ? List.of(SftStage.NAME) : List.of())
          .setInput((ctx, up) -> {
            SftResult sft = up.get(SftStage.DEF);
            return new CollectInput(ctx, sft == null ? null : sft.checkpoint());
          })
          .setImplementation(services -> new CollectPreferencesActivitiesImpl(services))
          .build();

  private CollectStage() {}
}
