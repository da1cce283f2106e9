package org.rlhfflow.spec;

/** Reserved: human labelling. Parsed and validated; the pipeline does not run it yet. */
@Doc("Human labelling (arrives in later work: parsed and validated, the pipeline rejects it).")
public record HumanSpec(
    @Doc(value = "Port of the labelling web UI.", range = "[1, 65535]") int uiPort,
    @Doc(value = "Distinct annotators required per comparison.", range = "[1, inf)") int minAnnotators) {

  public static final HumanSpec DEFAULT = new HumanSpec(8080, 1);
}
