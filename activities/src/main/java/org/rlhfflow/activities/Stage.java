package org.rlhfflow.activities;

import java.util.List;

/** The pipeline's stages, by their stable names (used in metrics, manifests, summary.json and specs). */
public final class Stage {
  public static final String COLLECT = "collect";
  public static final String SFT = "sft";
  public static final String REWARD_MODEL = "reward_model";
  public static final String PPO = "ppo";
  public static final String EVALUATE = "evaluate";

  /** The weak-to-strong workflow's activities (not pipeline stages; see WeakToStrong). */
  public static final String W2S_DATA = "w2s_data";
  public static final String W2S_TRAIN = "w2s_train";

  public static final List<String> ALL = List.of(COLLECT, SFT, REWARD_MODEL, PPO, EVALUATE);

  private Stage() {}
}
