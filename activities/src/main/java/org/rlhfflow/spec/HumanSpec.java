package org.rlhfflow.spec;

/** Reserved: human labelling. Parsed and validated; the pipeline does not run it yet. */
@Doc("Human labelling (arrives in later work: parsed and validated, the pipeline rejects it).")
public record HumanSpec(
    @Doc(value = "Port of the labelling web UI.", range = "[1, 65535]", def = "8080") int uiPort,
    @Doc(value = "Distinct annotators required per comparison.", range = "[1, inf)", def = "1") int minAnnotators) {

  public static final HumanSpec DEFAULT = SpecDefaults.of(HumanSpec.class);
}
