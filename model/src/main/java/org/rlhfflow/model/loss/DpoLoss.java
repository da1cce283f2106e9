package org.rlhfflow.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Map;
import org.rlhfflow.model.nn.Ops;

/**
 * Direct Preference Optimization loss, sigmoid form (Rafailov et al. 2023, eq. 7), with optional
 * label smoothing ε, i.e. conservative DPO (Mitchell 2023, "A note on DPO with noisy preferences";
 * TRL {@code label_smoothing}).
 *
 * <p>With h = (log π(y_c) − log π(y_r)) − (log π_ref(y_c) − log π_ref(y_r)):
 * loss = mean(−(1−ε)·log σ(βh) − ε·log σ(−βh)). The implicit rewards are β·(log π − log π_ref).
 * Inputs are summed response log-probs per sequence ({@link TokenLogProbs#sequenceSum}).
 *
 * <pre>{@code DpoLoss.Result r = new DpoLoss(0.1, 0).compute(pc, pr, refC, refR);}</pre>
 */
public final class DpoLoss {
  /** Scalar loss plus TRL's stats: rewards/chosen, rewards/rejected, accuracies, margins. */
  public record Result(
      NDArray loss,
      double rewardChosen,
      double rewardRejected,
      double accuracy,
      double margin) {
    public Map<String, Double> metrics() {
      return Map.of(
          "dpo/loss", Masked.scalar(loss),
          "dpo/rewards/chosen", rewardChosen,
          "dpo/rewards/rejected", rewardRejected,
          "dpo/rewards/accuracies", accuracy,
          "dpo/rewards/margins", margin);
    }
  }

  private final double beta;
  private final double labelSmoothing;

  /**
   * @param beta strength of the implicit KL constraint (TRL default 0.1)
   * @param labelSmoothing assumed probability ε that a preference label is flipped, in [0, 0.5)
   */
  public DpoLoss(double beta, double labelSmoothing) {
    if (!(beta > 0)) {
      throw new IllegalArgumentException("beta must be > 0, got " + beta);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
      throw new IllegalArgumentException(
          "labelSmoothing must be in [0, 0.5), got " + labelSmoothing);
    }
    this.beta = beta;
    this.labelSmoothing = labelSmoothing;
  }

  /** All inputs (B): summed response log-probs of chosen/rejected, under policy and reference. */
  public Result compute(
      NDArray policyChosen, NDArray policyRejected, NDArray refChosen, NDArray refRejected) {
    Masked.requireSameShape("policyChosen", policyChosen, "policyRejected", policyRejected);
    Masked.requireSameShape("policyChosen", policyChosen, "refChosen", refChosen);
    Masked.requireSameShape("policyChosen", policyChosen, "refRejected", refRejected);
    NDArray chosenLogRatio = policyChosen.sub(refChosen);
    NDArray rejectedLogRatio = policyRejected.sub(refRejected);
    // Constants go through Ops: DJL frees a Java-number operand before backward reads it.
    NDArray z = Ops.mul(chosenLogRatio.sub(rejectedLogRatio), beta);
    // −log σ(z) = softplus(−z) and −log σ(−z) = softplus(z); stable for any |z|.
    NDArray loss = Ops.mul(Activation.softPlus(z.neg()), 1 - labelSmoothing);
    if (labelSmoothing > 0) {
      loss = loss.add(Ops.mul(Activation.softPlus(z), labelSmoothing));
    }
    NDArray rc = Ops.mul(chosenLogRatio.stopGradient(), beta);
    NDArray rr = Ops.mul(rejectedLogRatio.stopGradient(), beta);
    return new Result(
        loss.mean(),
        BradleyTerryLoss.meanOf(rc),
        BradleyTerryLoss.meanOf(rr),
        BradleyTerryLoss.meanOf(rc.gt(rr)),
        BradleyTerryLoss.meanOf(rc.sub(rr)));
  }
}
