package org.rlhfflow.activities;

import java.util.List;

/** The pipeline's stages, by their stable names (used in metrics, manifests, summary.json and specs). */
public final class Stage {
  /** Pretraining a base model on the task's corpus; not in {@link #ALL} until the pipeline runs it. */
  public static final String PRETRAIN = "pretrain";
  public static final String COLLECT = "collect";
  public static final String SFT = "sft";
  public static final String REWARD_MODEL = "reward_model";
  public static final String PPO = "ppo";
  public static final String EVALUATE = "evaluate";

  public static final List<String> ALL = List.of(COLLECT, SFT, REWARD_MODEL, PPO, EVALUATE);

  private Stage() {}
}
