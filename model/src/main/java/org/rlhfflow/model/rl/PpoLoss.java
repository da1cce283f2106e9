package org.rlhfflow.model.rl;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.model.loss.Masked;
import org.rlhfflow.model.nn.Ops;

/**
 * PPO's clipped losses on one minibatch of response tokens, as masked token means (TRL
 * {@code PPOTrainer}; Huang et al. 2024, "The N+ Implementation Details of RLHF with PPO").
 *
 * <p>Policy: ratio = exp(logp − logp_old), L = mean(max(−A·ratio, −A·clip(ratio, 1±ε))), the
 * clipped surrogate of Schulman et al. 2017, eq. 7, negated for minimisation. Value:
 * 0.5·mean(max((V − R)², (clip(V, V_old ± ε_v) − R)²)), the clipped value loss of the OpenAI
 * baselines PPO2 that TRL keeps. Total = policy + vfCoef·value.
 *
 * <pre>{@code
 * var ppo = new PpoLoss(0.2, 0.2, 0.1);
 * PpoLoss.Result r = ppo.compute(newLogp, oldLogp, advantages, values, oldValues, returns, mask);
 * collector.backward(r.loss());
 * }</pre>
 */
public final class PpoLoss {
  /**
   * @param loss policyLoss + vfCoef·valueLoss, differentiable
   * @param clipfrac fraction of tokens whose policy term was clipped
   * @param approxKl 0.5·mean((logp − logp_old)²), TRL's approx KL between old and new policy
   * @param ratioMean mean probability ratio; exactly 1 on the first minibatch of an epoch
   * @param vfClipfrac fraction of tokens whose value term was clipped
   */
  public record Result(
      NDArray loss,
      NDArray policyLoss,
      NDArray valueLoss,
      double clipfrac,
      double approxKl,
      double ratioMean,
      double vfClipfrac) {
    /** Stats under TRL-style metric names. */
    public Map<String, Double> metrics() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("ppo/loss/policy", Masked.scalar(policyLoss));
      m.put("ppo/loss/value", Masked.scalar(valueLoss));
      m.put("ppo/loss/total", Masked.scalar(loss));
      m.put("ppo/policy/clipfrac", clipfrac);
      m.put("ppo/policy/approxkl", approxKl);
      m.put("ppo/val/ratio", ratioMean);
      m.put("ppo/val/clipfrac", vfClipfrac);
      return m;
    }
  }

  private final double clipRange;
  private final double clipRangeValue;
  private final double vfCoef;

  /**
   * @param clipRange ε of the policy ratio clip (TRL 0.2)
   * @param clipRangeValue ε_v of the value clip, in the units of the value (TRL 0.2)
   * @param vfCoef weight of the value loss in the total (TRL 0.1)
   */
  public PpoLoss(double clipRange, double clipRangeValue, double vfCoef) {
    if (!(clipRange > 0) || !(clipRangeValue > 0) || !(vfCoef >= 0)) {
      throw new IllegalArgumentException(
          "need clipRange > 0, clipRangeValue > 0, vfCoef >= 0, got " + clipRange + ", "
              + clipRangeValue + ", " + vfCoef);
    }
    this.clipRange = clipRange;
    this.clipRangeValue = clipRangeValue;
    this.vfCoef = vfCoef;
  }

  /**
   * All arrays are (B,T) over the same tokens; {@code mask} is 1 on response tokens.
   *
   * @param newLogp log-probs under the policy being trained (carries the gradient)
   * @param oldLogp log-probs recorded at rollout time
   * @param advantages whitened GAE advantages
   * @param values value predictions being trained (carries the gradient)
   * @param oldValues value predictions recorded at rollout time
   * @param returns value targets, advantages + oldValues before whitening
   */
  public Result compute(
      NDArray newLogp,
      NDArray oldLogp,
      NDArray advantages,
      NDArray values,
      NDArray oldValues,
      NDArray returns,
      NDArray mask) {
    NDArray logRatio = newLogp.sub(oldLogp);
    NDArray ratio = logRatio.exp();
    NDArray pg1 = advantages.neg().mul(ratio);
    // Constants go through Ops: DJL frees a Java-number operand before backward reads it.
    NDArray clipped = Ops.clip(ratio, 1 - clipRange, 1 + clipRange);
    NDArray pg2 = advantages.neg().mul(clipped);
    NDArray policyLoss = Masked.mean(pg1.maximum(pg2), mask);

    NDArray vClipped = values.maximum(Ops.sub(oldValues, clipRangeValue))
        .minimum(Ops.add(oldValues, clipRangeValue));
    NDArray vf1 = values.sub(returns).square();
    NDArray vf2 = vClipped.sub(returns).square();
    NDArray valueLoss = Ops.mul(Masked.mean(vf1.maximum(vf2), mask), 0.5);

    NDArray loss = policyLoss.add(Ops.mul(valueLoss, vfCoef));
    return new Result(
        loss,
        policyLoss,
        valueLoss,
        Masked.meanValue(pg2.gt(pg1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false), mask),
        0.5 * Masked.meanValue(logRatio.square(), mask),
        Masked.meanValue(ratio, mask),
        Masked.meanValue(vf2.gt(vf1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false), mask));
  }

  /**
   * Mean entropy of the next-token distributions at masked positions, for logging.
   *
   * @param logits (B,T,V) logits; mask (B,T) selects the positions whose distribution counts
   */
  public static double entropy(NDArray logits, NDArray mask) {
    NDArray logp = logits.stopGradient().logSoftmax(2);
    NDArray h = logp.exp().mul(logp).sum(new int[] {2}).neg(); // (B, T)
    return Masked.meanValue(h, mask);
  }
}
