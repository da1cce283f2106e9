package org.rlhfflow.activities.collect;

import org.rlhfflow.spec.AiSpec;
import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.HumanSpec;
import org.rlhfflow.spec.SpecDefaults;

/** Where preference pairs come from and how many the collect stage makes. */
@Doc("Where preference pairs come from and how many the collect stage produces.")
public record PreferenceSpec(
    @Doc(value = "simulated: the task's hidden reward labels pairs; dataset: read data.preference_dataset; human: people rank in rlhf label serve; ai: a judge model labels them (preferences.ai).", def = "simulated")
        Source source,
    @Doc(
            value = "Responses K sampled per prompt; all K(K-1)/2 pairs are compared.",
            range = "[2, 16]",
            source = "Ouyang et al. 2022, sec. 3.5 (K = 4..9)", def = "4")
        int responsesPerPrompt,
    @Doc(value = "Prompts labelled by the collect stage.", range = "[1, inf)", def = "256") int prompts,
    @Doc(
            value = "Noise of the simulated annotator: P(a > b) = sigmoid((r_a - r_b) / T); 0 always prefers the higher reward.",
            range = "[0, inf)",
            source = "Bradley & Terry 1952", def = "0.05")
        double annotatorTemperature,
    @Doc(value = "Format of data.preference_dataset: trl or hh JSONL (imported on the fly) or arrow.", def = "arrow")
        DatasetFormat datasetFormat,
    @Doc("Human labelling settings (preferences.source: human).") HumanSpec human,
    @Doc("AI feedback settings (preferences.source: ai).") AiSpec ai,
    @Doc(value = "Sampling temperature of the K responses; 1 keeps them as diverse as the policy itself.", range = "(0, 10]", def = "1.0")
        double temperature,
    @Doc(value = "Tokens generated per sampled response.", range = "[1, inf)", def = "16") int maxNewTokens) {

  public static final PreferenceSpec DEFAULT = SpecDefaults.of(PreferenceSpec.class);

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
