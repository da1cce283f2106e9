package org.rlhfflow.activities.grpo;

import static org.rlhfflow.spec.InvalidValueException.require;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** Group Relative Policy Optimization: G samples per prompt, advantages normalised within the group. */
@Doc("GRPO: G responses per prompt scored by the reward, advantages normalised within each group, clipped objective (Shao et al. 2024; TRL GRPOTrainer); method: grpo.")
public record GrpoSpec(
    @Doc(value = "Generate-then-update iterations.", range = "[1, inf)", def = "60") int iterations,
    @Doc(value = "Prompts per iteration; each gets num_generations responses.", range = "[1, inf)", def = "16")
        int promptsPerIteration,
    @Doc(value = "Responses G sampled per prompt: the group.", range = "[2, 64]",
            source = "Shao et al. 2024 (G = 64); TRL num_generations 8", def = "4")
        int numGenerations,
    @Doc(value = "Lower clip of the probability ratio, 1 - epsilon.", range = "(0, 1)", source = "TRL epsilon 0.2", def = "0.2")
        double epsilon,
    @Doc(value = "Upper clip, 1 + epsilon_high; unset means epsilon (DAPO's clip-higher uses 0.28).", range = "(0, inf)",
            source = "Yu et al. 2025 (DAPO); TRL epsilon_high")
        Double epsilonHigh,
    @Doc(value = "Weight of the k3 KL to the SFT reference in the loss; 0 drops the term.", range = "[0, inf)",
            source = "Shao et al. 2024, eq. 3; TRL beta 0.0", def = "0.0")
        double beta,
    @Doc(value = "Token aggregation: grpo (per-sequence mean), dr_grpo (/ (B * max_new_tokens)), dapo (/ tokens in the batch).",
            source = "Shao et al. 2024; Liu et al. 2025 (Dr. GRPO); Yu et al. 2025 (DAPO); TRL loss_type", def = "grpo")
        Loss loss,
    @Doc(value = "Divide group-centred rewards by the group's std; Dr. GRPO turns it off.",
            source = "Liu et al. 2025; TRL scale_rewards", def = "true")
        boolean scaleRewards,
    @Doc(value = "Policy AdamW learning rate.", range = "(0, 1]", def = "3e-5") double learningRate,
    @Doc(value = "Optimisation passes over each generation batch (mu).", range = "[1, inf)",
            source = "Shao et al. 2024; TRL num_iterations 1", def = "1")
        int numIterations,
    @Doc(value = "Responses per gradient step; must divide prompts_per_iteration * num_generations.", range = "[1, inf)", def = "64")
        int minibatchSize,
    @Doc(value = "Sampling temperature; the same value scales logits in the loss.", range = "(0, 10]", def = "0.7")
        double temperature,
    @Doc(value = "Tokens generated per response (max_completion_length).", range = "[1, inf)", def = "16") int maxNewTokens,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)", def = "1.0") double maxGradNorm,
    @Doc(value = "Iterations between checkpoints.", range = "[1, inf)", def = "10") int checkpointEvery) {

  public static final GrpoSpec DEFAULT = SpecDefaults.of(GrpoSpec.class);

  public GrpoSpec {
    require((promptsPerIteration * numGenerations) % minibatchSize == 0, "minibatch_size",
        minibatchSize + " does not divide prompts_per_iteration * num_generations = "
            + promptsPerIteration * numGenerations, "prompts_per_iteration", "num_generations");
  }

  /** The upper clip's epsilon. */
  public double upperEpsilon() {
    return epsilonHigh == null ? epsilon : epsilonHigh;
  }

  /** TRL's GRPO loss types implemented here. */
  public enum Loss {
    GRPO,
    DR_GRPO,
    DAPO
  }
}
