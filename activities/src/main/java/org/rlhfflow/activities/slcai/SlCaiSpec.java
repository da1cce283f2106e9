package org.rlhfflow.activities.slcai;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** Supervised Constitutional AI: critique-and-revision chains on red-team prompts, then SFT on the revisions. */
@Doc("Supervised Constitutional AI (method sl_cai_sft): the helpful-only model critiques and revises its answers to red-team prompts, then is fine-tuned on the revisions (Bai et al. 2022, sec. 3).")
public record SlCaiSpec(
    @Doc(value = "Red-team prompts drawn from the task's red_team split (ignored when data.red_team_prompts is set: all its prompts are used).",
            range = "[1, inf)", def = "128")
        int prompts,
    @Doc(value = "Critique-and-revision rounds per chain, each under a freshly drawn principle.", range = "[1, 16]",
            source = "Bai et al. 2022, sec. 3.1 (4 revisions)", def = "4")
        int rounds,
    @Doc(value = "Fraction of the SFT examples that are helpful-only samples on the task's helpful prompts, beside the (prompt, final revision) pairs.",
            range = "[0, 0.9]", source = "Bai et al. 2022, sec. 3.1 (helpfulness samples mixed in)", def = "0.5")
        double helpfulMix,
    @Doc(value = "Chains generated per batch; a heartbeat and a resumable checkpoint follow each batch.", range = "[1, 4096]", def = "64")
        int batchSize,
    @Doc(value = "Sampling temperature of the initial answers, critiques and revisions; 0 decodes greedily.", range = "[0, 10]",
            source = "Bai et al. 2022, sec. 3.1 (T = 1)", def = "1.0")
        double temperature,
    @Doc(value = "Tokens of an initial answer or a revision at most, EOS included (the assistant world's longest reply is 19 bytes).",
            range = "[1, 256]", def = "20")
        int maxNewTokens,
    @Doc(value = "Tokens of a critique at most; it ends at the first line break.", range = "[1, 256]", def = "8")
        int critiqueMaxTokens,
    @Doc(value = "Worked chains of the drawn principle (the constitution's revisions) shown before each critique request, at most this many.",
            range = "[0, 16]", source = "Bai et al. 2022, sec. 3.1 (few-shot critique and revision)", def = "1")
        int exemplars,
    @Doc(value = "The model that writes critiques and revisions: sft (the helpful-only model itself, as in the paper) or pretrain (the base model).",
            def = "sft")
        Critic critic) {

  public static final SlCaiSpec DEFAULT = SpecDefaults.of(SlCaiSpec.class);

  /** Who critiques and revises. */
  public enum Critic {
    SFT,
    PRETRAIN
  }
}
