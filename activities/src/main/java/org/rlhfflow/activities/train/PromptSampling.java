package org.rlhfflow.activities.train;

import java.util.List;
import java.util.SplittableRandom;

/** The prompts an RL iteration samples: shared by PPO and the group methods (GRPO, RLOO). */
public final class PromptSampling {
  private PromptSampling() {}

  /** {@code n} of {@code prompts}: a uniform sample without replacement when there are enough. */
  public static List<String> sample(List<String> prompts, SplittableRandom rng, int n) {
    int size = prompts.size();
    String[] out = new String[n];
    if (n > size) {
      for (int i = 0; i < n; i++) {
        out[i] = prompts.get(rng.nextInt(size));
      }
      return List.of(out);
    }
    int[] idx = new int[size];
    for (int i = 0; i < size; i++) {
      idx[i] = i;
    }
    for (int i = 0; i < n; i++) { // partial Fisher-Yates: the first n of a uniform permutation
      int j = i + rng.nextInt(size - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      out[i] = prompts.get(idx[i]);
    }
    return List.of(out);
  }
}
