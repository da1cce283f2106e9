package org.rlhfflow.activities.grpo;

import static org.rlhfflow.spec.InvalidValueException.require;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** REINFORCE leave-one-out: the other responses to the same prompt are the baseline. */
@Doc("RLOO: G responses per prompt, reward minus a sequence-level KL, baseline the mean of the other G-1 (Ahmadian et al. 2024; TRL RLOOTrainer); method: rloo.")
public record RlooSpec(
    @Doc(value = "Generate-then-update iterations.", range = "[1, inf)", def = "60") int iterations,
    @Doc(value = "Prompts per iteration; each gets num_generations responses.", range = "[1, inf)", def = "16")
        int promptsPerIteration,
    @Doc(value = "Responses k sampled per prompt.", range = "[2, 64]",
            source = "Ahmadian et al. 2024 (k = 2..4); TRL num_generations", def = "4")
        int numGenerations,
    @Doc(value = "Weight of the summed KL to the SFT reference subtracted from each sequence's reward.", range = "[0, inf)",
            source = "Ahmadian et al. 2024, sec. 3.2; TRL kl_coef 0.05", def = "0.05")
        double klCoef,
    @Doc(value = "Clip of the probability ratio when a batch is reused (num_iterations > 1).", range = "(0, 1)",
            source = "TRL cliprange 0.2", def = "0.2")
        double epsilon,
    @Doc(value = "Policy AdamW learning rate.", range = "(0, 1]", def = "3e-5") double learningRate,
    @Doc(value = "Optimisation passes over each generation batch; 1 is plain REINFORCE with the leave-one-out baseline.",
            range = "[1, inf)", def = "1")
        int numIterations,
    @Doc(value = "Responses per gradient step; must divide prompts_per_iteration * num_generations.", range = "[1, inf)", def = "64")
        int minibatchSize,
    @Doc(value = "Sampling temperature; the same value scales logits in the loss.", range = "(0, 10]", def = "0.7")
        double temperature,
    @Doc(value = "Tokens generated per response.", range = "[1, inf)", def = "16") int maxNewTokens,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)", def = "1.0") double maxGradNorm,
    @Doc(value = "Iterations between checkpoints.", range = "[1, inf)", def = "10") int checkpointEvery) {

  public static final RlooSpec DEFAULT = SpecDefaults.of(RlooSpec.class);

  public RlooSpec {
    require((promptsPerIteration * numGenerations) % minibatchSize == 0, "minibatch_size",
        minibatchSize + " does not divide prompts_per_iteration * num_generations = "
            + promptsPerIteration * numGenerations, "prompts_per_iteration", "num_generations");
  }
}
