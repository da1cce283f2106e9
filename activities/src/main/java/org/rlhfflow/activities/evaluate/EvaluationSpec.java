package org.rlhfflow.activities.evaluate;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** Held-out evaluation of the SFT and PPO policies. */
@Doc("Held-out evaluation of the SFT and PPO policies against the task's hidden reward.")
public record EvaluationSpec(
    @Doc(value = "Held-out prompts evaluated; at most task.heldout_prompts.", range = "[1, inf)", def = "128") int prompts,
    @Doc(value = "Sampling temperature; 0 is greedy decoding.", range = "[0, 10]", def = "0.7") double temperature,
    @Doc(value = "Tokens generated per response.", range = "[1, inf)", def = "16") int maxNewTokens,
    @Doc(value = "Responses sampled per prompt.", range = "[1, inf)", def = "1") int samplesPerPrompt) {

  public static final EvaluationSpec DEFAULT = SpecDefaults.of(EvaluationSpec.class);
}
