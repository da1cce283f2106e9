package org.rlhfflow.activities.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One iteration's experience, in plain Java arrays so the PPO epochs can cut minibatches from it
 * without keeping engine memory alive. Token arrays are (B, W) row-major; per-token arrays are
 * (B, W) with row b aligned to token positions (see {@code Scoring}).
 *
 * @param ids input ids, prompt left-padded, response right-padded
 * @param attention 1 on prompt and response tokens
 * @param response 1 on response tokens (EOS included)
 * @param oldLogp policy log-probs at rollout time (temperature-scaled logits)
 * @param oldValues critic values V(s_t) of the state before each response token
 * @param advantages GAE advantages, whitened if the spec says so
 * @param returns value targets (unwhitened advantages + old values)
 * @param stats batch statistics for the metrics
 */
record Rollout(
    int batch,
    int width,
    long[] ids,
    float[] attention,
    float[] response,
    float[][] oldLogp,
    float[][] oldValues,
    float[][] advantages,
    float[][] returns,
    Stats stats) {

  /**
   * @param rmScore mean reward-model score (before the missing-EOS penalty)
   * @param oracleScore mean oracle score, NaN when there is no oracle
   * @param kl mean per-sequence KL estimate to the reference, nats
   * @param entropy mean per-token entropy of the policy on response tokens, nats
   * @param responseLength mean response tokens, EOS included
   */
  record Stats(double rmScore, double oracleScore, double kl, double entropy, double responseLength) {}

  /** The rows {@code rows} as a minibatch on {@code m}. */
  Minibatch slice(int[] rows, NDManager m) {
    int n = rows.length;
    long[] id = new long[n * width];
    float[] att = new float[n * width];
    float[] resp = new float[n * width];
    float[] lp = new float[n * width];
    float[] val = new float[n * width];
    float[] adv = new float[n * width];
    float[] ret = new float[n * width];
    for (int i = 0; i < n; i++) {
      int r = rows[i];
      System.arraycopy(ids, r * width, id, i * width, width);
      System.arraycopy(attention, r * width, att, i * width, width);
      System.arraycopy(response, r * width, resp, i * width, width);
      System.arraycopy(oldLogp[r], 0, lp, i * width, width);
      System.arraycopy(oldValues[r], 0, val, i * width, width);
      System.arraycopy(advantages[r], 0, adv, i * width, width);
      System.arraycopy(returns[r], 0, ret, i * width, width);
    }
    Shape s = new Shape(n, width);
    return new Minibatch(m.create(id, s), m.create(att, s), m.create(resp, s), m.create(lp, s),
        m.create(val, s), m.create(adv, s), m.create(ret, s));
  }

  /** A minibatch as (n, W) arrays on the step's manager. */
  record Minibatch(
      NDArray ids,
      NDArray attention,
      NDArray response,
      NDArray oldLogp,
      NDArray oldValues,
      NDArray advantages,
      NDArray returns) {}
}
