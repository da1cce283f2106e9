package org.rlhfflow.spec;

/** Reserved: AI feedback. Parsed and validated; the pipeline does not run it yet. */
@Doc("AI feedback, RLAIF (arrives in later work: parsed and validated, the pipeline rejects it).")
public record AiSpec(
    @Doc(value = "File with the principles the judge applies.", source = "Bai et al. 2022, Constitutional AI")
        String constitution,
    @Doc("Checkpoint of the judge model.") String judgeCheckpoint) {

  public static final AiSpec DEFAULT = SpecDefaults.of(AiSpec.class);
}
