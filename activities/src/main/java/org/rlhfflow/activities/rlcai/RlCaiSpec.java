package org.rlhfflow.activities.rlcai;

import java.util.List;
import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** Reinforcement-learning Constitutional AI: PPO from the SL-CAI policy against a reward model of mixed labels. */
@Doc("RL-CAI (method ppo with this section): the SL-CAI policy samples the pairs, the AI judge labels those on red-team prompts, the simulated humans those on helpful prompts; the reward model and PPO (from and against the SL-CAI policy) follow (Bai et al. 2022, sec. 4).")
public record RlCaiSpec(
    @Doc(value = "Fraction of the collect stage's preferences.prompts that are red-team prompts judged by the AI under the constitution; the rest are helpful prompts labelled by the simulated humans.",
            range = "[0, 1]", source = "Bai et al. 2022, sec. 4.1 (AI harmlessness labels mixed with human helpfulness labels)",
            def = "0.5")
        double harmlessFraction,
    @Doc(value = "The policy that samples the pairs and that PPO starts from and is held to: sl_cai (RL-CAI) or sft (the helpful-only model; with harmless_fraction 0, plain RLHF on helpful-only labels, the paper's baseline).",
            source = "Bai et al. 2022, sec. 4 (RL-CAI from SL-CAI; helpful-only RLHF as the baseline)", def = "sl_cai")
        Policy policy,
    @Doc(value = "Ids of the constitution's principles the judge draws from on the red-team pairs; [] draws from all of them, by weight; default [safe], the assistant constitution's harmlessness principle.",
            source = "Bai et al. 2022, sec. 4.1 (harmlessness principles label the red-team comparisons)")
        List<String> harmlessPrinciples,
    @Doc(value = "How the judge labels a red-team pair: comparison (the principle's question over both replies, as RLAIF) or critique (each reply's probability that the principle's critique request finds a fault, P(yes), the better-scored reply preferred by Bradley-Terry on the log-odds).",
            source = "Bai et al. 2022, sec. 4.1 (comparison); sec. 3 (critique requests)", def = "comparison")
        JudgeBy judgeBy,
    @Doc(value = "With judge_by critique: score every red-team pair under each of harmless_principles and average their log-odds with equal weights, instead of one principle drawn per pair.",
            source = "Bai et al. 2022, sec. 4.1 (labels ensembled over principles)", def = "false")
        boolean ensemble) {

  /** The assistant constitution's harmlessness principle: what the red-team pairs are judged by unless set. */
  public static final List<String> DEFAULT_HARMLESS_PRINCIPLES = List.of("safe");

  public RlCaiSpec {
    harmlessPrinciples = harmlessPrinciples == null ? DEFAULT_HARMLESS_PRINCIPLES : List.copyOf(harmlessPrinciples);
  }

  /** Where RL starts. */
  public enum Policy {
    SL_CAI,
    SFT
  }

  /** The judge's format on the red-team pairs. */
  public enum JudgeBy {
    COMPARISON,
    CRITIQUE
  }

  /** Whether the pipeline runs SL-CAI first and starts from its policy. */
  public boolean fromSlCai() {
    return policy == Policy.SL_CAI;
  }

  public static final RlCaiSpec DEFAULT = SpecDefaults.of(RlCaiSpec.class);
}
