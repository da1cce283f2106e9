package org.rlhfflow.activities.w2s;

import static org.rlhfflow.spec.InvalidValueException.require;

import java.util.List;
import java.util.Map;
import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.LmTrainingSpec;
import org.rlhfflow.spec.SpecDefaults;

/**
 * The weak-to-strong sweep (Burns et al. 2023): which weak supervisors label data for which strong
 * students, with which loss, on which task, for how many seeds. Read when {@code method:
 * weak_to_strong}.
 */
@Doc("Weak-to-strong generalisation (Burns et al. 2023): weak supervisors label data for strong students; read when method is weak_to_strong.")
public record W2sSpec(
    @Doc(value = "Weak supervisors: presets (nano, micro, tiny, mini, small, gpt2_small) or Hugging Face GPT-2 directories.",
            source = "Burns et al. 2023, sec. 3")
        List<String> weak,
    @Doc("Strong students, as for weak; a strong model not larger than a weak one is run with a warning.")
        List<String> strong,
    @Doc(value = "Seeds per (weak, strong) pair: spec seed, seed+1, ...; PGR is the median over them.",
            range = "[1, 100]", source = "Burns et al. 2023, appendix A (median over seeds)")
        int seeds,
    @Doc("Student loss: xent (cross-entropy on the weak soft labels), logconf (auxiliary confidence loss) or both as two runs.")
        Loss loss,
    @Doc(value = "Bootstrapping chain, smallest first: each model labels train2 for the next; unset is off.",
            source = "Burns et al. 2023, sec. 4.3.1")
        List<String> bootstrap,
    @Doc("Built-in binary task when neither dataset nor preference_dataset is set: balance (digit sum above 45, easy for every size), halves (first half's digit sum above the second's: each digit's sign depends on its position) or weighted (twice the first half's sum minus the second's above 22.5: the plain sum is a partial cue).")
        String task,
    @Doc("Labelled texts (Arrow IPC or JSONL with columns text and label in {0, 1}) instead of the built-in task.")
        String dataset,
    @Doc(value = "Preference pairs (HH-RLHF or TRL JSONL, or Arrow) as binary classification: which of two responses is chosen.",
            source = "Burns et al. 2023, sec. 3 (reward modelling)")
        String preferenceDataset,
    @Doc("Format of preference_dataset.") Format preferenceFormat,
    @Doc(value = "Examples the weak supervisors train on (ground truth).", range = "[1, inf)") int train1Size,
    @Doc(value = "Examples the weak supervisors label and the students and ceilings train on.", range = "[1, inf)")
        int train2Size,
    @Doc(value = "Held-out examples every model is scored on.", range = "[1, inf)") int testSize,
    @Doc(value = "Passes over the training split per run.", range = "[1, inf)") int epochs,
    @Doc(value = "Examples per optimizer step.", range = "[1, inf)") int batchSize,
    @Doc(value = "AdamW peak learning rate at width 64; a model of width C uses learning_rate * 64 / C (warmup 10%, cosine to 10%) unless models sets its own.",
            range = "(0, 1]", source = "Yang et al. 2022 (muP: Adam learning rate ~ 1/width)")
        double learningRate,
    @Doc(value = "Per-model overrides by model name (a preset or a w2s.weak/strong directory), e.g. models: {tiny: {learning_rate: 1e-3}}.",
            source = "openai/weak-to-strong sets a learning rate per model")
        Map<String, ModelOverrides> models,
    @Doc(value = "Language-model pretraining of every preset in the sweep, once per model, on the built-in task's corpus before any run fine-tunes it: the latent knowledge the paper's pretrained models bring; off when epochs is 0.",
            source = "Burns et al. 2023, sec. 3 (pretrained GPT-2 and GPT-4 models)")
        Pretrain pretrain,
    @Doc(value = "Train only the zero-initialised head on the trunk's last-token features, every run alike (the reference's linear_probe); false fine-tunes the whole model.",
            source = "openai/weak-to-strong (linear_probe); Burns et al. 2023, sec. 4.3 and appendix")
        boolean linearProbe,
    @Doc(value = "Final weight alpha of the self-confidence term of logconf.", range = "[0, 1]",
            source = "Burns et al. 2023, sec. 4.3.2 (0.75)")
        double auxAlpha,
    @Doc(value = "Fraction of training over which alpha rises smoothly from 0 (half-cosine, not the reference's jump).",
            range = "[0, 1]", source = "Burns et al. 2023 (0.2); openai/weak-to-strong PR #33")
        double auxWarmup,
    @Doc(value = "Steps between checkpoints.", range = "[1, inf)") int checkpointEvery,
    @Doc("Temporal task queue of the training runs.") String queue) {

  /** The built-in tasks; checked as the spec loads, so a typo fails before any run (declared before DEFAULT, which checks it). */
  public static final List<String> TASKS = List.of(BalanceTask.NAME, HalvesTask.NAME, WeightedTask.NAME);

  public static final W2sSpec DEFAULT = new W2sSpec(List.of("nano", "micro"), List.of("tiny", "mini"), 3,
      Loss.BOTH, null, "balance", null, null, Format.HH, 600, 600, 400, 4, 32, 3e-3, Map.of(), Pretrain.DEFAULT, false, 0.75, 0.2, 50,
      "rlhf-cpu");

  public W2sSpec {
    models = models == null ? Map.of() : Map.copyOf(models);
    pretrain = pretrain == null ? Pretrain.DEFAULT : pretrain;
    require(!pretrain.on() || (dataset == null && preferenceDataset == null), "pretrain",
        "needs the built-in task's corpus; with dataset or preference_dataset set pretrain.epochs: 0, or name "
            + "pretrained Hugging Face directories in weak/strong", "epochs");
    require(!weak.isEmpty(), "weak", "needs at least one model");
    require(!strong.isEmpty(), "strong", "needs at least one model");
    require(bootstrap == null || bootstrap.size() >= 2, "bootstrap",
        "needs at least two models (the first labels data for the second)");
    require(task != null && TASKS.contains(task), "task",
        "unknown built-in task \"" + task + "\" (known: " + String.join(", ", TASKS) + "); or set dataset");
    require(dataset == null || preferenceDataset == null, "dataset",
        "set dataset or preference_dataset, not both", "preference_dataset");
  }

  /** Width 64 (nano) trains at learning_rate; a wider model at proportionally less. */
  public static final int BASE_WIDTH = 64;

  /**
   * The peak learning rate of {@code model} of width {@code nEmbd}: its {@code models} override, else
   * the 1/width rule. Wider models diverge at a small model's rate (measured on the task's first
   * version: tiny at 3e-3 stayed at chance where nano reached 0.74), so the rate falls as 1/width,
   * as muP prescribes for Adam's hidden weights (Yang et al. 2022); the rule alone left sizes on
   * their loss plateau on halves (README), hence the override, as the reference repo has per model.
   */
  public double learningRateFor(String model, int nEmbd) {
    ModelOverrides o = models.get(model);
    return o != null && o.learningRate() != null ? o.learningRate() : learningRate * BASE_WIDTH / nEmbd;
  }

  /** One model's overrides; unset values fall back to the section's. */
  @Doc("Overrides for one model of the sweep.")
  public record ModelOverrides(
      @Doc(value = "AdamW peak learning rate of this model, instead of the 1/width rule.", range = "(0, 1]")
          Double learningRate) {

    public static final ModelOverrides DEFAULT = new ModelOverrides(null);
  }

  /**
   * Pretraining of the sweep's presets (Hugging Face directories are pretrained already and keep
   * their weights). Each document is one of the task's strings as the classifier reads it, {@code
   * [BOS] digits [EOS]}, followed by a note on it ({@link W2sCorpus}) and EOS; the loss covers the
   * note, so the position the classifier's head reads is the one trained to predict it.
   */
  @Doc("Pretraining of the sweep's presets on the built-in task's corpus.")
  public record Pretrain(
      @Doc(value = "Passes over the corpus; 0 is off (every preset starts from random weights).", range = "[0, inf)",
              def = "0")
          int epochs,
      @Doc(value = "Corpus documents, drawn once per sweep from the spec seed; the same corpus for every model.",
              range = "[1, inf)", def = "8000")
          int documents,
      @Doc(value = "AdamW peak learning rate at width 64; width C uses learning_rate * 64 / C, as the fine-tuning runs.",
              range = "(0, 1]", source = "Yang et al. 2022 (muP: Adam learning rate ~ 1/width)", def = "3e-3")
          double learningRate,
      @Doc(value = "Documents per optimizer step.", range = "[1, inf)", def = "64") int batchSize,
      @Doc(value = "Steps between checkpoints (and heartbeats carrying them).", range = "[1, inf)", def = "100")
          int checkpointEvery) {

    public static final Pretrain DEFAULT = SpecDefaults.of(Pretrain.class);

    public boolean on() {
      return epochs > 0;
    }

    /**
     * The loop's hyperparameters for a model of width {@code nEmbd}: the 1/width rate, 10% warmup
     * and cosine to 10% as the fine-tuning runs, no weight decay, gradients clipped at 1.
     */
    public LmTrainingSpec forWidth(int nEmbd) {
      return new Training(learningRate * BASE_WIDTH / nEmbd, epochs, batchSize, (int) Math.ceil(steps() * 0.1), 0,
          1.0, checkpointEvery, 0.1);
    }

    /** {@link LmTrainingSpec} as plain values. */
    record Training(double learningRate, int epochs, int batchSize, int warmupSteps, double weightDecay,
        double maxGradNorm, int checkpointEvery, double minLrRatio) implements LmTrainingSpec {}

    /** Optimizer steps per model. */
    public int steps() {
      return epochs * ((documents + batchSize - 1) / batchSize);
    }
  }

  /** The student loss of Burns et al. 2023. */
  public enum Loss {
    XENT,
    LOGCONF,
    BOTH;

    /** The student losses to run: one, or xent and logconf. */
    public List<String> runs() {
      return this == BOTH ? List.of("xent", "logconf") : List.of(name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** How preference_dataset is read. */
  public enum Format {
    HH,
    TRL,
    ARROW
  }
}
