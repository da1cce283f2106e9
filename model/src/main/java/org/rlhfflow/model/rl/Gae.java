package org.rlhfflow.model.rl;

/**
 * Generalized Advantage Estimation over the response tokens of each row (Schulman et al. 2016,
 * "High-Dimensional Continuous Control Using Generalized Advantage Estimation", eq. 16).
 *
 * <p>δ_t = r_t + γ·V_{t+1} − V_t and A_t = δ_t + γλ·A_{t+1}, walking backwards over the masked
 * tokens of a row; the value after the last response token is 0 (the episode ends there). Returns
 * are A_t + V_t, the value-function targets (TRL {@code PPOTrainer}). Masked-out positions (prompt,
 * padding) are skipped and get 0.
 *
 * <pre>{@code Gae.Result g = Gae.compute(rewards, values, responseMask, 1.0, 0.95);}</pre>
 */
public final class Gae {
  /** (B,T) advantages and returns, 0 outside the response. */
  public record Result(float[][] advantages, float[][] returns) {}

  private Gae() {}

  public static Result compute(
      float[][] rewards, float[][] values, float[][] mask, double gamma, double lambda) {
    Rows.requireSameShape("rewards", rewards, "values", values);
    Rows.requireSameShape("rewards", rewards, "responseMask", mask);
    if (!(gamma >= 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException(
          "gamma and lambda must be in [0, 1], got gamma=" + gamma + " lambda=" + lambda);
    }
    float[][] adv = Rows.zerosLike(rewards);
    float[][] ret = Rows.zerosLike(rewards);
    for (int b = 0; b < rewards.length; b++) {
      double nextValue = 0;
      double nextAdv = 0;
      for (int t = rewards[b].length - 1; t >= 0; t--) {
        if (mask[b][t] == 0f) {
          continue;
        }
        double delta = rewards[b][t] + gamma * nextValue - values[b][t];
        nextAdv = delta + gamma * lambda * nextAdv;
        nextValue = values[b][t];
        adv[b][t] = (float) nextAdv;
        ret[b][t] = (float) (nextAdv + values[b][t]);
      }
    }
    return new Result(adv, ret);
  }
}
