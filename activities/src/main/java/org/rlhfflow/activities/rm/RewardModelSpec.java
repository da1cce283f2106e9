package org.rlhfflow.activities.rm;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** Reward model trained on preference pairs with the Bradley–Terry loss. */
@Doc("Reward model trained on preference pairs with the pairwise Bradley-Terry loss (Ouyang et al. 2022, step 2).")
public record RewardModelSpec(
    @Doc(value = "AdamW learning rate.", range = "(0, 1]", def = "5e-4") double learningRate,
    @Doc(value = "Passes over the training pairs; more than 1 overfits on real data.", range = "[1, inf)", source = "Ouyang et al. 2022 (1 epoch)", def = "2")
        int epochs,
    @Doc(value = "Pairs per optimizer step.", range = "[1, inf)", def = "32") int batchSize,
    @Doc(
            value = "Subtract the dataset's margin inside the loss: -log sigmoid(r_c - r_r - m).",
            source = "Touvron et al. 2023 (Llama 2); TRL RewardTrainer", def = "false")
        boolean margin,
    @Doc(
            value = "Weight of the (r_c + r_r)^2 penalty that keeps rewards centred on 0.",
            range = "[0, inf)",
            source = "Eisenstein et al. 2023; TRL center_rewards_coefficient", def = "0.0")
        double centerRewardsCoef,
    @Doc(value = "Fraction of pairs held out to measure rm/accuracy.", range = "[0, 0.5]", def = "0.1")
        double heldoutFraction,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)", def = "1.0")
        double maxGradNorm,
    @Doc(value = "Steps between checkpoints.", range = "[1, inf)", def = "50") int checkpointEvery,
    @Doc(value = "Linear learning-rate warmup, as a fraction of the stage's steps (RM runs are short).", range = "[0, 1]", def = "0.1")
        double warmupFraction,
    @Doc(value = "Final learning rate of the cosine decay, as a fraction of the peak.", range = "[0, 1]", source = "nanoGPT; Hoffmann et al. 2022 (0.1)", def = "0.1")
        double minLrRatio) {

  public static final RewardModelSpec DEFAULT = SpecDefaults.of(RewardModelSpec.class);

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
