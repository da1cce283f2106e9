package org.rlhfflow.spec;

/** Reward model trained on preference pairs with the Bradley–Terry loss. */
@Doc("Reward model trained on preference pairs with the pairwise Bradley-Terry loss (Ouyang et al. 2022, step 2).")
public record RewardModelSpec(
    @Doc(value = "AdamW learning rate.", range = "(0, 1]") double learningRate,
    @Doc(value = "Passes over the training pairs; more than 1 overfits on real data.", range = "[1, inf)", source = "Ouyang et al. 2022 (1 epoch)")
        int epochs,
    @Doc(value = "Pairs per optimizer step.", range = "[1, inf)") int batchSize,
    @Doc(
            value = "Subtract the dataset's margin inside the loss: -log sigmoid(r_c - r_r - m).",
            source = "Touvron et al. 2023 (Llama 2); TRL RewardTrainer")
        boolean margin,
    @Doc(
            value = "Weight of the (r_c + r_r)^2 penalty that keeps rewards centred on 0.",
            range = "[0, inf)",
            source = "Eisenstein et al. 2023; TRL center_rewards_coefficient")
        double centerRewardsCoef,
    @Doc(value = "Fraction of pairs held out to measure rm/accuracy.", range = "[0, 0.5]")
        double heldoutFraction,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)")
        double maxGradNorm,
    @Doc(value = "Steps between checkpoints.", range = "[1, inf)") int checkpointEvery) {

  public static final RewardModelSpec DEFAULT = new RewardModelSpec(5e-4, 2, 32, false, 0.0, 0.1, 1.0, 50);

  /** Pairs left for training once the held-out fraction is taken from {@code pairs}. */
  public int trainPairs(int pairs) {
    return pairs - heldoutPairs(pairs);
  }

  /** Pairs held out for evaluation, rounded down. */
  public int heldoutPairs(int pairs) {
    return (int) Math.floor(pairs * heldoutFraction);
  }

  /** Optimizer steps of the whole stage for {@code pairs} pairs before the split. */
  public int totalSteps(int pairs) {
    int train = trainPairs(pairs);
    return epochs * Math.max(1, (train + batchSize - 1) / batchSize);
  }
}
