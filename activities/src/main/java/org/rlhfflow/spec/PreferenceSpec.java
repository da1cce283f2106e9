package org.rlhfflow.spec;

/** Where preference pairs come from and how many the collect stage makes. */
@Doc("Where preference pairs come from and how many the collect stage produces.")
public record PreferenceSpec(
    @Doc("simulated: the task's hidden reward labels pairs; dataset: read data.preference_dataset; ai: a judge model labels them (preferences.ai); human arrives in later work.")
        Source source,
    @Doc(
            value = "Responses K sampled per prompt; all K(K-1)/2 pairs are compared.",
            range = "[2, 16]",
            source = "Ouyang et al. 2022, sec. 3.5 (K = 4..9)")
        int responsesPerPrompt,
    @Doc(value = "Prompts labelled by the collect stage.", range = "[1, inf)") int prompts,
    @Doc(
            value = "Noise of the simulated annotator: P(a > b) = sigmoid((r_a - r_b) / T); 0 always prefers the higher reward.",
            range = "[0, inf)",
            source = "Bradley & Terry 1952")
        double annotatorTemperature,
    @Doc("Format of data.preference_dataset: trl or hh JSONL (imported on the fly) or arrow.")
        DatasetFormat datasetFormat,
    @Doc("Human labelling settings (later work).") HumanSpec human,
    @Doc("AI feedback settings.") AiSpec ai) {

  public static final PreferenceSpec DEFAULT =
      new PreferenceSpec(Source.SIMULATED, 4, 256, 0.05, DatasetFormat.ARROW, HumanSpec.DEFAULT, AiSpec.DEFAULT);

  /** Comparisons per prompt: every pair of the K responses, as in Ouyang et al. 2022. */
  public int pairsPerPrompt() {
    return responsesPerPrompt * (responsesPerPrompt - 1) / 2;
  }

  /** Preference pairs the collect stage produces. */
  public int totalPairs() {
    return prompts * pairsPerPrompt();
  }

  /** Who labels the pairs. */
  public enum Source {
    SIMULATED,
    DATASET,
    HUMAN,
    AI
  }

  /** On-disk layout of an external preference dataset. */
  public enum DatasetFormat {
    TRL,
    HH,
    ARROW
  }
}
