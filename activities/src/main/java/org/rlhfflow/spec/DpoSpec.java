package org.rlhfflow.spec;

import static org.rlhfflow.spec.InvalidValueException.require;

/** Direct Preference Optimization on the preference pairs, from the SFT policy, with no reward model. */
@Doc("DPO on the preference pairs, from the SFT policy and against it as the frozen reference (Rafailov et al. 2023); method: dpo.")
public record DpoSpec(
    @Doc(value = "Strength of the implicit KL constraint to the reference.", range = "(0, inf)", source = "Rafailov et al. 2023; TRL beta 0.1")
        double beta,
    @Doc(value = "sigmoid: -log sigmoid(beta h); ipo: (h - 1/(2 beta))^2 on per-token mean log-probs; hinge: relu(1 - beta h).",
            source = "Rafailov et al. 2023; Azar et al. 2024 (IPO); Zhao et al. 2023 (SLiC); TRL loss_type")
        Loss loss,
    @Doc(value = "Assumed probability that a label is flipped (conservative DPO); sigmoid only.", range = "[0, 0.5)",
            source = "Mitchell 2023; TRL label_smoothing")
        double labelSmoothing,
    @Doc(value = "Soft targets: a pair's margin m (log-odds, e.g. from an AI judge's probability p as log(p/(1-p))) gives the target sigmoid(m); sigmoid only.",
            source = "Bradley-Terry soft labels; Lee et al. 2023 (RLAIF, soft preference labels)")
        boolean softLabels,
    @Doc(value = "AdamW peak learning rate.", range = "(0, 1]") double learningRate,
    @Doc(value = "Passes over the preference pairs.", range = "[1, inf)", source = "TRL num_train_epochs") int epochs,
    @Doc(value = "Pairs per optimizer step.", range = "[1, inf)") int batchSize,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)") double maxGradNorm,
    @Doc(value = "Steps between checkpoints.", range = "[1, inf)") int checkpointEvery) {

  public static final DpoSpec DEFAULT = new DpoSpec(0.1, Loss.SIGMOID, 0.0, false, 1e-4, 2, 32, 1.0, 50);

  public DpoSpec {
    require(loss == Loss.SIGMOID || labelSmoothing == 0, "label_smoothing",
        "applies to the sigmoid loss only, not " + loss.name().toLowerCase(), "loss");
    require(loss == Loss.SIGMOID || !softLabels, "soft_labels",
        "applies to the sigmoid loss only, not " + loss.name().toLowerCase(), "loss");
  }

  /** TRL's DPO loss types implemented here. */
  public enum Loss {
    SIGMOID,
    IPO,
    HINGE
  }
}
