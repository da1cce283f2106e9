package org.rlhfflow.model.rl;

/**
 * Per-token PPO rewards: a KL penalty on every response token plus the reward-model score on the
 * last response token.
 *
 * <p>r_t = −β·KL_t for every response token t, and r_T += score at the last response token T
 * (Ziegler et al. 2019, eq. 2; Ouyang et al. 2022, eq. 2; TRL {@code PPOTrainer}). When the
 * response did not end with EOS, {@code missingEosPenalty} is subtracted from the score first
 * (TRL {@code missing_eos_penalty}): truncated answers otherwise get scored as if complete.
 *
 * <pre>{@code
 * var rewards = new PpoRewards(KlEstimator.K1, 1.0);
 * PpoRewards.Result r = rewards.compute(logp, refLogp, responseMask, scores, endsWithEos, klCoef);
 * }</pre>
 */
public final class PpoRewards {
  /**
   * @param rewards (B,T) per-token rewards, 0 outside the response
   * @param klSum per-sequence sum of the KL estimate over response tokens, in nats
   * @param scores per-sequence score after the missing-EOS penalty
   */
  public record Result(float[][] rewards, double[] klSum, double[] scores) {}

  private final KlEstimator estimator;
  private final double missingEosPenalty;

  /**
   * @param estimator which per-token KL estimate the penalty uses
   * @param missingEosPenalty subtracted from the score of responses without EOS; 0 disables it
   */
  public PpoRewards(KlEstimator estimator, double missingEosPenalty) {
    if (estimator == null) {
      throw new IllegalArgumentException("estimator must not be null");
    }
    if (!(missingEosPenalty >= 0)) {
      throw new IllegalArgumentException(
          "missingEosPenalty must be >= 0, got " + missingEosPenalty);
    }
    this.estimator = estimator;
    this.missingEosPenalty = missingEosPenalty;
  }

  /**
   * Computes the rewards of one batch of rollouts.
   *
   * @param logp (B,T) policy log-probs of the sampled tokens
   * @param refLogp (B,T) reference log-probs of the same tokens
   * @param responseMask (B,T) 1 on response tokens; every row needs at least one
   * @param scores (B) reward-model scores of the full sequences
   * @param endsWithEos (B) whether each response ended with EOS (rather than the length limit)
   * @param klCoef β, the current KL coefficient (see {@link KlController})
   */
  public Result compute(
      float[][] logp,
      float[][] refLogp,
      float[][] responseMask,
      double[] scores,
      boolean[] endsWithEos,
      double klCoef) {
    requireLength("scores", scores.length, logp.length);
    requireLength("endsWithEos", endsWithEos.length, logp.length);
    float[][] kl = KlPenalty.perToken(logp, refLogp, responseMask, estimator);
    float[][] rewards = Rows.zerosLike(kl);
    double[] klSum = new double[kl.length];
    double[] finalScores = new double[kl.length];
    for (int b = 0; b < kl.length; b++) {
      int last = Rows.lastMasked(responseMask, b);
      if (last < 0) {
        throw new IllegalArgumentException("responseMask row " + b + " has no response token");
      }
      for (int t = 0; t <= last; t++) {
        rewards[b][t] = (float) (-klCoef * kl[b][t]);
        klSum[b] += kl[b][t];
      }
      finalScores[b] = endsWithEos[b] ? scores[b] : scores[b] - missingEosPenalty;
      // The RM scores the whole sequence, so its score is credited to the last action only.
      rewards[b][last] += (float) finalScores[b];
    }
    return new Result(rewards, klSum, finalScores);
  }

  private static void requireLength(String name, int actual, int batch) {
    if (actual != batch) {
      throw new IllegalArgumentException(
          name + " has length " + actual + " but the batch has " + batch + " rows");
    }
  }
}
