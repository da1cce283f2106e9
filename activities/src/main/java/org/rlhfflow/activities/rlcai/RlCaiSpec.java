package org.rlhfflow.activities.rlcai;

import org.rlhfflow.spec.Doc;
import org.rlhfflow.spec.SpecDefaults;

/** Reinforcement-learning Constitutional AI: PPO from the SL-CAI policy against a reward model of mixed labels. */
@Doc("RL-CAI (method ppo with this section): the SL-CAI policy samples the pairs, the AI judge labels those on red-team prompts, the simulated humans those on helpful prompts; the reward model and PPO (from and against the SL-CAI policy) follow (Bai et al. 2022, sec. 4).")
public record RlCaiSpec(
    @Doc(value = "Fraction of the collect stage's preferences.prompts that are red-team prompts judged by the AI under the constitution; the rest are helpful prompts labelled by the simulated humans.",
            range = "[0, 1]", source = "Bai et al. 2022, sec. 4.1 (AI harmlessness labels mixed with human helpfulness labels)",
            def = "0.5")
        double harmlessFraction) {

  public static final RlCaiSpec DEFAULT = SpecDefaults.of(RlCaiSpec.class);
}
