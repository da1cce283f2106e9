package org.rlhfflow.spec;

import static org.rlhfflow.spec.InvalidValueException.require;

/** REINFORCE leave-one-out: the other responses to the same prompt are the baseline. */
@Doc("RLOO: G responses per prompt, reward minus a sequence-level KL, baseline the mean of the other G-1 (Ahmadian et al. 2024; TRL RLOOTrainer); method: rloo.")
public record RlooSpec(
    @Doc(value = "Generate-then-update iterations.", range = "[1, inf)") int iterations,
    @Doc(value = "Prompts per iteration; each gets num_generations responses.", range = "[1, inf)") int promptsPerIteration,
    @Doc(value = "Responses k sampled per prompt.", range = "[2, 64]", source = "Ahmadian et al. 2024 (k = 2..4); TRL rloo_k / num_generations")
        int numGenerations,
    @Doc(value = "Weight of the summed KL to the SFT reference subtracted from each sequence's reward.", range = "[0, inf)",
            source = "Ahmadian et al. 2024, sec. 3.2; TRL kl_coef 0.05")
        double klCoef,
    @Doc(value = "Clip of the probability ratio when a batch is reused (num_iterations > 1).", range = "(0, 1)", source = "TRL cliprange 0.2")
        double epsilon,
    @Doc(value = "Policy AdamW learning rate.", range = "(0, 1]") double learningRate,
    @Doc(value = "Optimisation passes over each generation batch; 1 is plain REINFORCE with the leave-one-out baseline.", range = "[1, inf)")
        int numIterations,
    @Doc(value = "Responses per gradient step; must divide prompts_per_iteration * num_generations.", range = "[1, inf)")
        int minibatchSize,
    @Doc(value = "Sampling temperature; the same value scales logits in the loss.", range = "(0, 10]") double temperature,
    @Doc(value = "Tokens generated per response.", range = "[1, inf)") int maxNewTokens,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)") double maxGradNorm,
    @Doc(value = "Iterations between checkpoints.", range = "[1, inf)") int checkpointEvery) {

  public static final RlooSpec DEFAULT = new RlooSpec(60, 16, 4, 0.05, 0.2, 3e-5, 1, 64, 0.7, 16, 1.0, 10);

  public RlooSpec {
    require((promptsPerIteration * numGenerations) % minibatchSize == 0, "minibatch_size",
        minibatchSize + " does not divide prompts_per_iteration * num_generations = "
            + promptsPerIteration * numGenerations, "prompts_per_iteration", "num_generations");
  }
}
