package org.rlhfflow.spec;

import static org.rlhfflow.spec.InvalidValueException.require;

/** Human labelling: people rank the K responses in `rlhf label serve` while the pipeline waits. */
@Doc("Human labelling (preferences.source: human): people rank K responses in the web app.")
public record HumanSpec(
    @Doc(value = "Port of the labelling web app (rlhf label serve).", range = "[1, 65535]", def = "8080") int uiPort,
    @Doc(value = "Distinct annotators per item; an item closes at this quorum.", range = "[1, inf)", def = "1",
            source = "Stiennon et al. 2020 label a subset several times to measure agreement")
        int minAnnotators,
    @Doc(value = "Hours the batch waits for quorum on every item before it closes.", range = "(0, inf)", def = "72")
        double deadlineHours,
    @Doc(value = "Fraction of items that must reach quorum by the deadline, else the batch fails.",
            range = "(0, 1]", def = "1.0")
        double minFraction,
    @Doc(value = "Items per HumanFeedback child workflow.", range = "[1, 100000]", def = "500") int itemsPerBatch,
    @Doc(value = "Rankings one workflow run accepts before it continues as new (Temporal: 2,000 updates per history).",
            range = "[1, 1900]", def = "1000")
        int rankingsPerRun,
    @Doc("Markdown file with the labelling guidelines shown beside every item; null: the built-in ones.")
        String guidelines) {

  public static final HumanSpec DEFAULT = SpecDefaults.of(HumanSpec.class);

  public HumanSpec {
    require(deadlineHours * 3600 < Long.MAX_VALUE / 1000, "preferences.human.deadline_hours",
        deadlineHours + " hours is too far away");
  }

  /** The deadline in whole seconds, at least one. */
  public long deadlineSeconds() {
    return Math.max(1, Math.round(deadlineHours * 3600));
  }
}
