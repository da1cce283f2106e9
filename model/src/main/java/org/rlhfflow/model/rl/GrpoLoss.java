package org.rlhfflow.model.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.model.loss.Masked;
import org.rlhfflow.model.nn.Ops;

/**
 * GRPO's clipped token-level objective with an optional k3 KL term (Shao et al. 2024, eq. 3; TRL
 * {@code GRPOTrainer.compute_loss}). Per token, with ρ = π/π_old and the sequence's advantage A:
 *
 * <p>ℓ_t = −min(ρ·A, clip(ρ, 1−ε_low, 1+ε_high)·A) + β·k3_t, k3_t = e^(ref−logp) − (ref−logp) − 1
 * (Schulman 2020). The aggregation over tokens is TRL's {@code loss_type}:
 *
 * <ul>
 *   <li>{@code GRPO}: mean over each sequence's tokens, then over sequences (Shao et al. 2024);
 *       long answers weigh less per token.
 *   <li>{@code DR_GRPO}: Σ ℓ / (B · max_completion_length), a constant normaliser (Liu et al. 2025,
 *       "Understanding R1-Zero-Like Training", sec. 3.1), which removes the length bias.
 *   <li>{@code DAPO}: Σ ℓ / (response tokens in the whole generation batch), token-level (Yu et al.
 *       2025, DAPO, eq. 8; TRL divides by {@code num_items_in_batch}), so minibatches of one batch
 *       add up to the batch's token mean.
 * </ul>
 *
 * <pre>{@code
 * GrpoLoss.Result r = new GrpoLoss(Aggregation.GRPO, 0.2, 0.2, 0.04)
 *     .compute(logp, oldLogp, refLogp, advantages, mask, maxNewTokens, batchTokens);
 * }</pre>
 */
public final class GrpoLoss {
  /** TRL's {@code loss_type}s. */
  public enum Aggregation {
    GRPO,
    DR_GRPO,
    DAPO
  }

  /**
   * @param loss differentiable scalar
   * @param kl masked mean k3 KL to the reference (NaN when β = 0 and no reference was given)
   * @param clipLow fraction of tokens clipped at 1−ε_low with A &lt; 0 (TRL clip_ratio/low_mean)
   * @param clipHigh fraction clipped at 1+ε_high with A &gt; 0 (TRL clip_ratio/high_mean)
   * @param clipRegion either (TRL clip_ratio/region_mean)
   */
  public record Result(NDArray loss, double kl, double clipLow, double clipHigh, double clipRegion) {
    /** TRL GRPOTrainer's names under {@code prefix} (e.g. {@code grpo}). */
    public Map<String, Double> metrics(String prefix) {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put(prefix + "/loss", Masked.scalar(loss));
      if (!Double.isNaN(kl)) {
        m.put(prefix + "/kl", kl);
      }
      m.put(prefix + "/clip_ratio/low_mean", clipLow);
      m.put(prefix + "/clip_ratio/high_mean", clipHigh);
      m.put(prefix + "/clip_ratio/region_mean", clipRegion);
      return m;
    }
  }

  private final Aggregation aggregation;
  private final double epsilonLow;
  private final double epsilonHigh;
  private final double beta;

  /**
   * @param epsilonLow ε of the lower clip (TRL epsilon 0.2)
   * @param epsilonHigh ε of the upper clip; DAPO's clip-higher uses 0.28 (TRL epsilon_high)
   * @param beta weight of the k3 KL term; 0 drops it and needs no reference (TRL default 0)
   */
  public GrpoLoss(Aggregation aggregation, double epsilonLow, double epsilonHigh, double beta) {
    if (aggregation == null) {
      throw new IllegalArgumentException("aggregation must not be null");
    }
    if (!(epsilonLow > 0 && epsilonLow < 1) || !(epsilonHigh > 0) || !(beta >= 0)) {
      throw new IllegalArgumentException("need 0 < epsilonLow < 1, epsilonHigh > 0, beta >= 0, got "
          + epsilonLow + ", " + epsilonHigh + ", " + beta);
    }
    this.aggregation = aggregation;
    this.epsilonLow = epsilonLow;
    this.epsilonHigh = epsilonHigh;
    this.beta = beta;
  }

  /**
   * @param newLogp (B,T) log-probs under the policy being trained (carries the gradient)
   * @param oldLogp (B,T) log-probs at sampling time
   * @param refLogp (B,T) reference log-probs, or null when β = 0
   * @param advantages (B,1) one advantage per sequence, broadcast over its tokens
   * @param mask (B,T) 1 on response tokens
   * @param maxCompletionLength DR_GRPO's constant normaliser per sequence
   * @param batchTokens DAPO's normaliser: response tokens of the whole generation batch
   */
  public Result compute(NDArray newLogp, NDArray oldLogp, NDArray refLogp, NDArray advantages,
      NDArray mask, int maxCompletionLength, double batchTokens) {
    if (beta > 0 && refLogp == null) {
      throw new IllegalArgumentException("beta = " + beta + " needs the reference log-probs");
    }
    NDArray ratio = newLogp.sub(oldLogp).exp();
    // Constants go through Ops: DJL frees a Java-number operand before backward reads it.
    NDArray clipped = Ops.clip(ratio, 1 - epsilonLow, 1 + epsilonHigh);
    NDArray perToken = ratio.mul(advantages).minimum(clipped.mul(advantages)).neg();
    double kl = Double.NaN;
    if (refLogp != null) {
      NDArray d = refLogp.sub(newLogp);
      NDArray k3 = Ops.sub(d.exp().sub(d), 1);
      kl = Masked.meanValue(k3, mask);
      if (beta > 0) {
        perToken = perToken.add(Ops.mul(k3, beta));
      }
    }
    NDArray masked = perToken.mul(mask);
    long rows = newLogp.getShape().get(0);
    NDArray loss = switch (aggregation) {
      case GRPO -> masked.sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(Ops.constant(mask, 1)))
          .mean();
      case DR_GRPO -> Ops.div(masked.sum(), (double) rows * maxCompletionLength);
      case DAPO -> Ops.div(masked.sum(), batchTokens);
    };
    NDArray r = ratio.stopGradient();
    NDArray a = advantages.stopGradient().broadcast(r.getShape());
    NDArray zero = Ops.constant(a, 0).broadcast(r.getShape());
    NDArray low = r.lt(Ops.constant(r, 1 - epsilonLow)).logicalAnd(a.lt(zero));
    NDArray high = r.gt(Ops.constant(r, 1 + epsilonHigh)).logicalAnd(a.gt(zero));
    return new Result(loss, kl, frac(low, mask), frac(high, mask), frac(low.logicalOr(high), mask));
  }

  private static double frac(NDArray flags, NDArray mask) {
    return Masked.meanValue(flags.toType(DataType.FLOAT32, false), mask);
  }
}
