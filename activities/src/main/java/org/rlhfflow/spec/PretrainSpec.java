package org.rlhfflow.spec;

/** Pretraining a base model from scratch on the task's own corpus, before SFT. */
@Doc("Pretraining a base model on the task's generated corpus before SFT (tasks that have one, e.g. assistant).")
public record PretrainSpec(
    @Doc(value = "Passes over the corpus; 0 skips pretraining and SFT starts from model.*.", range = "[0, inf)")
        int epochs,
    @Doc(value = "Corpus documents generated from the seed.", range = "[1, inf)") int documents,
    @Doc(value = "AdamW peak learning rate.", range = "(0, 1]", source = "Loshchilov & Hutter 2019")
        double learningRate,
    @Doc(value = "Documents per optimizer step.", range = "[1, inf)") int batchSize,
    @Doc(value = "Steps of linear learning-rate warmup from 0.", range = "[0, inf)") int warmupSteps,
    @Doc(value = "AdamW decoupled weight decay.", range = "[0, 1]", source = "Loshchilov & Hutter 2019")
        double weightDecay,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)", source = "Pascanu et al. 2013")
        double maxGradNorm,
    @Doc(value = "Steps between checkpoints (and heartbeats carrying them).", range = "[1, inf)")
        int checkpointEvery) implements LmTrainingSpec {

  public static final PretrainSpec DEFAULT = new PretrainSpec(0, 8000, 3e-3, 32, 30, 0.0, 1.0, 50);

  /** Optimizer steps of the whole stage. */
  public int totalSteps() {
    return epochs * Math.max(1, (documents + batchSize - 1) / batchSize);
  }
}
