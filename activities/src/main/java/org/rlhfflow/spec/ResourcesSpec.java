package org.rlhfflow.spec;

/** The Temporal task queue each stage's activities run on. */
@Doc("Temporal task queue per stage. CPU workers poll rlhf-cpu, GPU workers poll rlhf-gpu.")
public record ResourcesSpec(
    @Doc("Queue of the preference-collection stage.") String collect,
    @Doc("Queue of the SFT stage.") String sft,
    @Doc("Queue of the reward-model stage.") String rewardModel,
    @Doc("Queue of the PPO stage, and of the DPO, GRPO and RLOO stages that replace it.") String ppo,
    @Doc("Queue of the evaluation stage.") String evaluate) {

  public static final String CPU = "rlhf-cpu";

  public static final ResourcesSpec DEFAULT = new ResourcesSpec(CPU, CPU, CPU, CPU, CPU);
}
