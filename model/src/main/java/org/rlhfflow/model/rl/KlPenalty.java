package org.rlhfflow.model.rl;

/**
 * Per-token KL between the policy and the frozen reference on response tokens, the quantity the
 * PPO reward is penalised by (Ziegler et al. 2019, eq. 2; Ouyang et al. 2022, eq. 2).
 *
 * <pre>{@code
 * float[][] kl = KlPenalty.perToken(logp, refLogp, responseMask, KlEstimator.K1);
 * }</pre>
 */
public final class KlPenalty {
  private KlPenalty() {}

  /**
   * Returns a (B,T) array with the chosen estimator on masked tokens and 0 elsewhere.
   *
   * @param logp (B,T) log-probs of the sampled tokens under the policy
   * @param refLogp (B,T) log-probs of the same tokens under the reference model
   * @param mask (B,T) 1 on response tokens, 0 on prompt and padding
   */
  public static float[][] perToken(
      float[][] logp, float[][] refLogp, float[][] mask, KlEstimator estimator) {
    Rows.requireSameShape("logp", logp, "refLogp", refLogp);
    Rows.requireSameShape("logp", logp, "responseMask", mask);
    float[][] kl = Rows.zerosLike(logp);
    for (int b = 0; b < logp.length; b++) {
      for (int t = 0; t < logp[b].length; t++) {
        if (mask[b][t] != 0f) {
          kl[b][t] = (float) estimator.of(logp[b][t], refLogp[b][t]);
        }
      }
    }
    return kl;
  }
}
