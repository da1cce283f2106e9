package org.rlhfflow.model.rl;

/**
 * RLOO's sequence-level reward and advantage: the KL to the reference is summed over the response
 * and subtracted from the score once per sequence, r_i = score_i − β·Σ_t KL_{i,t}, and the baseline
 * of each response is the mean reward of the other G−1 responses to its prompt (Ahmadian et al.
 * 2024, "Back to Basics", sec. 3.2 and eq. 5; TRL {@code RLOOTrainer}: {@code rlhf_reward = scores
 * - kl_coef * kl.sum(1)}).
 *
 * <pre>{@code RlooRewards.Result r = RlooRewards.compute(scores, klSum, 0.05, 4);}</pre>
 */
public final class RlooRewards {
  /**
   * @param rewards the KL-shaped sequence rewards r_i
   * @param advantages r_i minus its leave-one-out baseline
   */
  public record Result(double[] rewards, double[] advantages, GroupAdvantages.Result stats) {}

  private RlooRewards() {}

  /**
   * @param scores one per row, grouped as in {@link GroupAdvantages}
   * @param klSum per-row sum of the per-token KL estimate over the response, nats
   * @param klCoef β
   */
  public static Result compute(double[] scores, double[] klSum, double klCoef, int groupSize) {
    if (scores.length != klSum.length) {
      throw new IllegalArgumentException(
          "scores has " + scores.length + " rows but klSum has " + klSum.length);
    }
    if (!(klCoef >= 0)) {
      throw new IllegalArgumentException("klCoef must be >= 0, got " + klCoef);
    }
    double[] r = new double[scores.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = scores[i] - klCoef * klSum[i];
    }
    GroupAdvantages.Result a = GroupAdvantages.rloo(r, groupSize);
    return new Result(r, a.advantages(), a);
  }
}
