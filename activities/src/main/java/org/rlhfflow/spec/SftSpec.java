package org.rlhfflow.spec;

/** Supervised fine-tuning on demonstrations: the first stage of Ouyang et al. 2022. */
@Doc("Supervised fine-tuning on demonstrations (Ouyang et al. 2022, step 1).")
public record SftSpec(
    @Doc(value = "AdamW peak learning rate.", range = "(0, 1]", source = "Loshchilov & Hutter 2019")
        double learningRate,
    @Doc(value = "Passes over the SFT dataset; 0 skips SFT and later stages start from the base model.", range = "[0, inf)") int epochs,
    @Doc(value = "Examples per optimizer step.", range = "[1, inf)") int batchSize,
    @Doc(value = "Steps of linear learning-rate warmup from 0.", range = "[0, inf)") int warmupSteps,
    @Doc(value = "AdamW decoupled weight decay.", range = "[0, 1]", source = "Loshchilov & Hutter 2019")
        double weightDecay,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)", source = "Pascanu et al. 2013")
        double maxGradNorm,
    @Doc(value = "Steps between checkpoints (and heartbeats carrying them).", range = "[1, inf)")
        int checkpointEvery) implements LmTrainingSpec {

  public static final SftSpec DEFAULT = new SftSpec(1e-3, 4, 32, 20, 0.0, 1.0, 50);

  /** Optimizer steps per epoch over {@code examples} examples; the last batch may be short. */
  public int stepsPerEpoch(int examples) {
    return Math.max(1, (examples + batchSize - 1) / batchSize);
  }

  /** Optimizer steps of the whole stage. */
  public int totalSteps(int examples) {
    return epochs * stepsPerEpoch(examples);
  }
}
