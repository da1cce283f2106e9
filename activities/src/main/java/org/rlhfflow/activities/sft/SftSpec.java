package org.rlhfflow.activities.sft;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.LmTrainingSpec;
import org.rlhfflow.spec.SpecDefaults;

/** Supervised fine-tuning on demonstrations: the first stage of Ouyang et al. 2022. */
@Doc("Supervised fine-tuning on demonstrations (Ouyang et al. 2022, step 1).")
public record SftSpec(
    @Doc(value = "AdamW peak learning rate.", range = "(0, 1]", source = "Loshchilov & Hutter 2019", def = "1e-3")
        double learningRate,
    @Doc(value = "Passes over the SFT dataset; 0 skips SFT and later stages start from the base model.", range = "[0, inf)", def = "4") int epochs,
    @Doc(value = "Examples per optimizer step.", range = "[1, inf)", def = "32") int batchSize,
    @Doc(value = "Steps of linear learning-rate warmup from 0.", range = "[0, inf)", def = "20") int warmupSteps,
    @Doc(value = "AdamW decoupled weight decay.", range = "[0, 1]", source = "Loshchilov & Hutter 2019", def = "0.0")
        double weightDecay,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)", source = "Pascanu et al. 2013", def = "1.0")
        double maxGradNorm,
    @Doc(value = "Steps between checkpoints (and heartbeats carrying them).", range = "[1, inf)", def = "50")
        int checkpointEvery,
    @Doc(value = "Final learning rate of the cosine decay, as a fraction of the peak.", range = "[0, 1]", source = "nanoGPT; Hoffmann et al. 2022 (0.1)", def = "0.1")
        double minLrRatio) implements LmTrainingSpec {

  public static final SftSpec DEFAULT = SpecDefaults.of(SftSpec.class);

  /** Optimizer steps per epoch over {@code examples} examples; the last batch may be short. */
  public int stepsPerEpoch(int examples) {
    return Math.max(1, (examples + batchSize - 1) / batchSize);
  }

  /** Optimizer steps of the whole stage. */
  public int totalSteps(int examples) {
    return epochs * stepsPerEpoch(examples);
  }
}
