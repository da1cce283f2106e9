package org.rlhfflow.spec;

/** The built-in synthetic task: prompts, demonstrations and the simulated annotator's goal. */
@Doc("The built-in synthetic task that generates prompts, demonstrations and the hidden reward.")
public record TaskSpec(
    @Doc(value = "Name of a built-in task.", def = "digits") String name,
    @Doc(value = "Prompts used for SFT demos, preference collection and PPO rollouts.", range = "[1, inf)", def = "512")
        int trainPrompts,
    @Doc(value = "Prompts kept out of training, for evaluation.", range = "[1, inf)", def = "128")
        int heldoutPrompts,
    @Doc(value = "SFT demonstrations generated per train prompt.", range = "[1, inf)", def = "1")
        int demosPerPrompt,
    @Doc(
            value = "Probability that a demonstration step repeats the previous digit (a stutter), so SFT leaves room for RLHF.",
            range = "[0, 1]", def = "0.2")
        double demoNoise) {

  public static final TaskSpec DEFAULT = SpecDefaults.of(TaskSpec.class);

  /** SFT examples the task generates: one per demonstration. */
  public int sftExamples() {
    return trainPrompts * demosPerPrompt;
  }
}
