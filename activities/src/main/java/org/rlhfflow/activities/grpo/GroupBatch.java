package org.rlhfflow.activities.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One iteration's samples in plain Java arrays, (B, W) row-major, rows grouped by prompt: the
 * update cuts minibatches from it without keeping engine memory alive.
 *
 * @param oldLogp log-probs at sampling time (temperature-scaled logits)
 * @param refLogp the SFT reference's log-probs of the same tokens
 * @param advantages one per row
 */
record GroupBatch(int batch, int width, long[] ids, float[] attention, float[] response, float[] oldLogp,
    float[] refLogp, float[] advantages, Stats stats) {

  /**
   * @param reward mean reward (RM score or verifier) before any KL
   * @param rewardStd mean within-group std of the reward (TRL reward_std)
   * @param fracZeroStd groups whose rewards were all equal (TRL frac_reward_zero_std)
   * @param oracle mean oracle score, NaN when there is no oracle
   * @param kl mean per-sequence k1 KL to the reference, nats
   * @param length mean response tokens, EOS included (TRL completions/mean_length)
   */
  record Stats(double reward, double rewardStd, double fracZeroStd, double oracle, double kl, double length) {}

  /** Response tokens of {@code rows}: DAPO's normaliser for the step that trains on them. */
  double responseTokens(int[] rows) {
    double n = 0;
    for (int r : rows) {
      for (int t = 0; t < width; t++) {
        n += response[r * width + t];
      }
    }
    return n;
  }

  Minibatch slice(int[] rows, NDManager m) {
    int n = rows.length;
    long[] id = new long[n * width];
    float[] att = new float[n * width];
    float[] resp = new float[n * width];
    float[] old = new float[n * width];
    float[] ref = new float[n * width];
    float[] adv = new float[n];
    for (int i = 0; i < n; i++) {
      int r = rows[i];
      System.arraycopy(ids, r * width, id, i * width, width);
      System.arraycopy(attention, r * width, att, i * width, width);
      System.arraycopy(response, r * width, resp, i * width, width);
      System.arraycopy(oldLogp, r * width, old, i * width, width);
      System.arraycopy(refLogp, r * width, ref, i * width, width);
      adv[i] = advantages[r];
    }
    Shape s = new Shape(n, width);
    return new Minibatch(m.create(id, s), m.create(att, s), m.create(resp, s), m.create(old, s), m.create(ref, s),
        m.create(adv, new Shape(n, 1)));
  }

  /** (n, W) arrays on the step's manager; advantages (n, 1). */
  record Minibatch(NDArray ids, NDArray attention, NDArray response, NDArray oldLogp, NDArray refLogp,
      NDArray advantages) {}
}
