package org.rlhfflow.activities.dpo;

import static org.rlhfflow.spec.InvalidValueException.require;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** Direct Preference Optimization on the preference pairs, from the SFT policy, with no reward model. */
@Doc("DPO on the preference pairs, from the SFT policy and against it as the frozen reference (Rafailov et al. 2023); method: dpo.")
public record DpoSpec(
    @Doc(value = "Strength of the implicit KL constraint to the reference.", range = "(0, inf)",
            source = "Rafailov et al. 2023; TRL beta 0.1", def = "0.1")
        double beta,
    @Doc(value = "sigmoid: -log sigmoid(beta h); ipo: (h - 1/(2 beta))^2 on per-token mean log-probs; hinge: relu(1 - beta h).",
            source = "Rafailov et al. 2023; Azar et al. 2024 (IPO); Zhao et al. 2023 (SLiC); TRL loss_type", def = "sigmoid")
        Loss loss,
    @Doc(value = "Assumed probability that a label is flipped (conservative DPO); sigmoid only.", range = "[0, 0.5)",
            source = "Mitchell 2023; TRL label_smoothing", def = "0.0")
        double labelSmoothing,
    @Doc(value = "Soft targets: a pair's margin m (log-odds, e.g. an AI judge's probability p stored as log(p/(1-p))) gives the target sigmoid(m); sigmoid only.",
            source = "Lee et al. 2023 (RLAIF, soft preference labels)", def = "false")
        boolean softLabels,
    @Doc(value = "AdamW peak learning rate.", range = "(0, 1]", def = "1e-4") double learningRate,
    @Doc(value = "Passes over the preference pairs.", range = "[1, inf)", source = "TRL num_train_epochs", def = "2") int epochs,
    @Doc(value = "Pairs per optimizer step.", range = "[1, inf)", def = "32") int batchSize,
    @Doc(value = "Warmup as a fraction of the steps, then cosine decay.", range = "[0, 1]", source = "TRL warmup_ratio", def = "0.1")
        double warmupFraction,
    @Doc(value = "Final learning rate of the cosine decay, as a fraction of the peak.", range = "[0, 1]", def = "0.1")
        double minLrRatio,
    @Doc(value = "Clip the global gradient norm to this; 0 disables clipping.", range = "[0, inf)", def = "1.0") double maxGradNorm,
    @Doc(value = "Steps between checkpoints.", range = "[1, inf)", def = "50") int checkpointEvery) {

  public static final DpoSpec DEFAULT = SpecDefaults.of(DpoSpec.class);

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
