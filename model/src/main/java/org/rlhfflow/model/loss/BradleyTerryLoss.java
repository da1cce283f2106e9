package org.rlhfflow.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Map;
import org.rlhfflow.model.nn.Ops;

/**
 * Reward-model loss for preference pairs under the Bradley–Terry model (Ouyang et al. 2022, eq. 1;
 * TRL {@code RewardTrainer}).
 *
 * <p>loss = mean(−log σ(r_c − r_r − m)), computed as softplus(−(r_c − r_r − m)), which is finite
 * for any margin size. The optional margin m per pair (Llama 2, Touvron et al. 2023, eq. 2)
 * asks for a larger gap on clearer preferences. The optional centering term coef·mean((r_c + r_r)²)
 * (Eisenstein et al. 2023, "Helping or Herding?"; TRL {@code center_rewards_coefficient}) pins the
 * otherwise free offset of the rewards near zero.
 *
 * <pre>{@code
 * BradleyTerryLoss.Result r = new BradleyTerryLoss(0.01).compute(rChosen, rRejected, null);
 * }</pre>
 */
public final class BradleyTerryLoss {
  /**
   * @param loss differentiable scalar
   * @param accuracy fraction of pairs with r_c &gt; r_r (ties count as wrong)
   * @param rewardChosen mean r_c
   * @param rewardRejected mean r_r
   * @param margin mean r_c − r_r
   */
  public record Result(
      NDArray loss, double accuracy, double rewardChosen, double rewardRejected, double margin) {
    /** Stats under stable metric names, for the tracker. */
    public Map<String, Double> metrics() {
      return Map.of(
          "rm/loss", Masked.scalar(loss),
          "rm/accuracy", accuracy,
          "rm/rewards/chosen", rewardChosen,
          "rm/rewards/rejected", rewardRejected,
          "rm/rewards/margins", margin);
    }
  }

  private final double centerCoef;

  /** @param centerCoef weight of the reward-centering term; 0 disables it (TRL default: None) */
  public BradleyTerryLoss(double centerCoef) {
    if (!(centerCoef >= 0)) {
      throw new IllegalArgumentException("centerCoef must be >= 0, got " + centerCoef);
    }
    this.centerCoef = centerCoef;
  }

  /**
   * @param rChosen (B) rewards of the preferred responses
   * @param rRejected (B) rewards of the rejected responses
   * @param margin (B) required gap per pair, or null for none
   */
  public Result compute(NDArray rChosen, NDArray rRejected, NDArray margin) {
    return compute(rChosen, rRejected, margin, null);
  }

  /**
   * With soft targets p = P(chosen preferred), the loss is the cross-entropy of σ(x) against p,
   * −[p log σ(x) + (1 − p) log σ(−x)] = p·softplus(−x) + (1 − p)·softplus(x), as Lee et al. 2023
   * (sec. 2.2) train on an AI judge's probabilities. Null targets are the hard-label loss above,
   * computed exactly as before.
   *
   * @param softTarget (B) P(chosen preferred) per pair, or null for hard labels
   */
  public Result compute(NDArray rChosen, NDArray rRejected, NDArray margin, NDArray softTarget) {
    Masked.requireSameShape("rChosen", rChosen, "rRejected", rRejected);
    NDArray diff = rChosen.sub(rRejected);
    NDArray logit = diff;
    if (margin != null) {
      Masked.requireSameShape("rChosen", rChosen, "margin", margin);
      logit = diff.sub(margin);
    }
    NDArray loss;
    if (softTarget == null) {
      loss = Activation.softPlus(logit.neg()).mean(); // −log σ(x) = softplus(−x)
    } else {
      Masked.requireSameShape("rChosen", rChosen, "softTarget", softTarget);
      NDArray p = softTarget.toType(logit.getDataType(), false);
      NDArray pos = Activation.softPlus(logit.neg()).mul(p); // p · −log σ(x)
      loss = pos.add(Activation.softPlus(logit).mul(p.neg().add(1))).mean(); // + (1 − p) · −log σ(−x)
    }
    if (centerCoef > 0) {
      loss = loss.add(Ops.mul(rChosen.add(rRejected).square().mean(), centerCoef));
    }
    NDArray d = diff.stopGradient();
    return new Result(
        loss,
        meanOf(d.gt(0)),
        meanOf(rChosen.stopGradient()),
        meanOf(rRejected.stopGradient()),
        meanOf(d));
  }

  static double meanOf(NDArray x) {
    return x.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).mean().getDouble();
  }
}
