package org.rlhfflow.spec;

/** Held-out evaluation of the SFT and PPO policies. */
@Doc("Held-out evaluation of the SFT and PPO policies against the task's hidden reward.")
public record EvaluationSpec(
    @Doc(value = "Held-out prompts evaluated; at most task.heldout_prompts.", range = "[1, inf)") int prompts,
    @Doc(value = "Sampling temperature; 0 is greedy decoding.", range = "[0, 10]") double temperature,
    @Doc(value = "Tokens generated per response.", range = "[1, inf)") int maxNewTokens,
    @Doc(value = "Responses sampled per prompt.", range = "[1, inf)") int samplesPerPrompt) {

  public static final EvaluationSpec DEFAULT = new EvaluationSpec(128, 0.7, 16, 1);
}
