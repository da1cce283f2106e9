package org.rlhfflow.model.rl;

/**
 * Critic-free advantages from a group of G responses to the same prompt. Rows are grouped
 * contiguously: rows [g·G, (g+1)·G) answer prompt g.
 *
 * <ul>
 *   <li>{@link #grpo}: A_i = (r_i − mean_g) / (std_g + 1e-4) with the unbiased std (Shao et al. 2024,
 *       DeepSeekMath, sec. 4.1.2; TRL {@code GRPOTrainer} with {@code scale_rewards}); without
 *       scaling A_i = r_i − mean_g (Liu et al. 2025, Dr. GRPO, sec. 3.1, removes the std because it
 *       up-weights groups that are almost all right or all wrong).
 *   <li>{@link #rloo}: A_i = r_i − mean of the other G−1 rewards, the leave-one-out baseline
 *       (Kool et al. 2019; Ahmadian et al. 2024, eq. 5; TRL {@code RLOOTrainer}).
 * </ul>
 *
 * A group whose rewards are all equal carries no signal: its advantages are exactly 0.
 */
public final class GroupAdvantages {
  /** TRL adds 1e-4 to the std so a near-constant group does not blow up. */
  static final double STD_EPS = 1e-4;

  /**
   * @param advantages one per row
   * @param meanStd mean over groups of the unbiased within-group std of the rewards
   * @param fracZeroStd fraction of groups whose rewards are all equal (TRL
   *     {@code frac_reward_zero_std})
   */
  public record Result(double[] advantages, double meanStd, double fracZeroStd) {}

  private GroupAdvantages() {}

  /** GRPO's group-normalised advantages; {@code scaleByStd=false} is Dr. GRPO's. */
  public static Result grpo(double[] rewards, int groupSize, boolean scaleByStd) {
    int groups = groups(rewards, groupSize, 2);
    double[] adv = new double[rewards.length];
    double stdSum = 0;
    int zero = 0;
    for (int g = 0; g < groups; g++) {
      int from = g * groupSize;
      double mean = mean(rewards, from, groupSize);
      double sq = 0;
      for (int i = from; i < from + groupSize; i++) {
        sq += (rewards[i] - mean) * (rewards[i] - mean);
      }
      double std = Math.sqrt(sq / (groupSize - 1));
      stdSum += std;
      if (allEqual(rewards, from, groupSize)) {
        zero++;
        continue; // exactly 0, not a rounding residue of r - mean divided by 1e-4
      }
      for (int i = from; i < from + groupSize; i++) {
        adv[i] = scaleByStd ? (rewards[i] - mean) / (std + STD_EPS) : rewards[i] - mean;
      }
    }
    return new Result(adv, stdSum / groups, (double) zero / groups);
  }

  /** RLOO's leave-one-out advantages: r_i − (Σ_g r − r_i)/(G − 1). */
  public static Result rloo(double[] rewards, int groupSize) {
    int groups = groups(rewards, groupSize, 2);
    double[] adv = new double[rewards.length];
    double stdSum = 0;
    int zero = 0;
    for (int g = 0; g < groups; g++) {
      int from = g * groupSize;
      double mean = mean(rewards, from, groupSize);
      double sum = 0;
      double sq = 0;
      for (int i = from; i < from + groupSize; i++) {
        sum += rewards[i];
        sq += (rewards[i] - mean) * (rewards[i] - mean);
      }
      stdSum += Math.sqrt(sq / (groupSize - 1));
      if (allEqual(rewards, from, groupSize)) {
        zero++;
        continue;
      }
      for (int i = from; i < from + groupSize; i++) {
        adv[i] = rewards[i] - (sum - rewards[i]) / (groupSize - 1);
      }
    }
    return new Result(adv, stdSum / groups, (double) zero / groups);
  }

  private static int groups(double[] rewards, int groupSize, int min) {
    if (groupSize < min) {
      throw new IllegalArgumentException("a group needs at least " + min + " responses, got " + groupSize);
    }
    if (rewards.length == 0 || rewards.length % groupSize != 0) {
      throw new IllegalArgumentException(
          rewards.length + " rewards do not split into groups of " + groupSize);
    }
    return rewards.length / groupSize;
  }

  private static double mean(double[] x, int from, int n) {
    double s = 0;
    for (int i = from; i < from + n; i++) {
      s += x[i];
    }
    return s / n;
  }

  private static boolean allEqual(double[] x, int from, int n) {
    for (int i = from + 1; i < from + n; i++) {
      if (x[i] != x[from]) {
        return false;
      }
    }
    return true;
  }
}
