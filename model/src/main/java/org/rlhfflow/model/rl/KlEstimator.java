package org.rlhfflow.model.rl;

/**
 * Per-token estimators of KL(π ‖ π_ref) from the log-probs of a token sampled from π.
 *
 * <p>Source: J. Schulman, "Approximating KL Divergence" (2020),
 * http://joschu.net/blog/kl-approx.html.
 * With r = π_ref(x)/π(x): k1 = −log r is unbiased but has high variance and can be negative per
 * token; k3 = (r − 1) − log r is unbiased, always ≥ 0 and lower variance.
 */
public enum KlEstimator {
  /** k1 = logp − refLogp (TRL's default {@code kl_estimator="k1"}). */
  K1 {
    @Override
    public double of(double logp, double refLogp) {
      return logp - refLogp;
    }
  },
  /** k3 = (r − 1) − log r with r = exp(refLogp − logp). */
  K3 {
    @Override
    public double of(double logp, double refLogp) {
      double logR = refLogp - logp;
      // expm1 keeps precision when r ≈ 1, i.e. when the policy is still close to the reference.
      return Math.expm1(logR) - logR;
    }
  };

  /** The estimate for one token, given its log-prob under the policy and under the reference. */
  public abstract double of(double logp, double refLogp);
}
