package org.rlhfflow.activities.pretrain;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.LmTrainingSpec;
import org.rlhfflow.spec.SpecDefaults;

/** Pretraining a base model from scratch on the task's own corpus, before SFT. */
@Doc("Pretraining a base model on the task's generated corpus before SFT (tasks that have one, e.g. assistant).")
public record PretrainSpec(
    @Doc(value = "Passes over the corpus; 0 skips pretraining and SFT starts from model.*.", range = "[0, inf)", def = "0")
        int epochs,
    @Doc(value = "Corpus documents generated from the seed.", range = "[1, inf)", def = "8000") int documents,
    @Doc(value = "AdamW peak learning rate.", range = "(0, 1]", source = "Loshchilov & Hutter 2019", def = "3e-3")
        double learningRate,
    @Doc(value = "Documents per optimizer step.", range = "[1, inf)", def = "32") int batchSize,
    @Doc(value = "Steps of linear learning-rate warmup from 0.", range = "[0, inf)", def = "30") int warmupSteps,
    @Doc(value = "AdamW decoupled weight decay.", range = "[0, 1]", source = "Loshchilov & Hutter 2019", def = "0.0")
        double weightDecay,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)", source = "Pascanu et al. 2013", def = "1.0")
        double maxGradNorm,
    @Doc(value = "Steps between checkpoints (and heartbeats carrying them).", range = "[1, inf)", def = "50")
        int checkpointEvery,
    @Doc(value = "Final learning rate of the cosine decay, as a fraction of the peak.", range = "[0, 1]", source = "nanoGPT; Hoffmann et al. 2022 (0.1)", def = "0.1")
        double minLrRatio,
    @Doc(value = "Share of the corpus replaced by critique-and-revision chains on every object under both principles' requests (assistant); 0 keeps the corpus of issue 11 exactly.",
            range = "[0, 1]", source = "Bai et al. 2022, sec. 3.1", def = "0")
        double revisionDocuments) implements LmTrainingSpec {

  public static final PretrainSpec DEFAULT = SpecDefaults.of(PretrainSpec.class);
}
