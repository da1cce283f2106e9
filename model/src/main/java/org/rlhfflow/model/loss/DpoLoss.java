package org.rlhfflow.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.model.nn.Ops;

/**
 * Direct Preference Optimization losses on summed response log-probs (Rafailov et al. 2023; TRL
 * {@code DPOTrainer.dpo_loss}). With h = (log π(y_c) − log π(y_r)) − (log π_ref(y_c) − log
 * π_ref(y_r)):
 *
 * <ul>
 *   <li>{@code SIGMOID}: −(1−ε)·log σ(βh) − ε·log σ(−βh); ε = 0 is Rafailov et al. eq. 7, ε &gt; 0
 *       is conservative DPO (Mitchell 2023; TRL {@code label_smoothing}). A per-pair target
 *       probability p (soft labels from AI feedback) replaces 1−ε by p: the binary cross-entropy of
 *       σ(βh) against p.
 *   <li>{@code IPO}: (h − 1/(2β))², Azar et al. 2024, eq. 17 (TRL {@code loss_type="ipo"}, which
 *       also averages log-probs over tokens: the caller passes per-token means for IPO).
 *   <li>{@code HINGE}: max(0, 1 − βh), SLiC (Zhao et al. 2023, eq. 3; TRL {@code "hinge"}).
 * </ul>
 *
 * The implicit rewards are β·(log π − log π_ref) (Rafailov et al. 2023, sec. 5).
 *
 * <pre>{@code DpoLoss.Result r = new DpoLoss(0.1, 0).compute(pc, pr, refC, refR);}</pre>
 */
public final class DpoLoss {
  /** TRL's {@code loss_type}s that this class implements. */
  public enum Type {
    SIGMOID,
    IPO,
    HINGE
  }

  /** Scalar loss plus TRL's stats. */
  public record Result(
      NDArray loss,
      double rewardChosen,
      double rewardRejected,
      double accuracy,
      double margin,
      double logpChosen,
      double logpRejected) {
    /** TRL DPOTrainer's metric names, plus {@code dpo/loss}. */
    public Map<String, Double> metrics() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("dpo/loss", Masked.scalar(loss));
      m.put("rewards/chosen", rewardChosen);
      m.put("rewards/rejected", rewardRejected);
      m.put("rewards/accuracies", accuracy);
      m.put("rewards/margins", margin);
      m.put("logps/chosen", logpChosen);
      m.put("logps/rejected", logpRejected);
      return m;
    }
  }

  private final double beta;
  private final double labelSmoothing;
  private final Type type;

  /** The sigmoid loss with label smoothing ε (see the class doc). */
  public DpoLoss(double beta, double labelSmoothing) {
    this(Type.SIGMOID, beta, labelSmoothing);
  }

  /**
   * @param type which loss
   * @param beta strength of the implicit KL constraint (TRL default 0.1)
   * @param labelSmoothing assumed probability ε that a label is flipped, in [0, 0.5); sigmoid only
   */
  public DpoLoss(Type type, double beta, double labelSmoothing) {
    if (type == null) {
      throw new IllegalArgumentException("type must not be null");
    }
    if (!(beta > 0)) {
      throw new IllegalArgumentException("beta must be > 0, got " + beta);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
      throw new IllegalArgumentException(
          "labelSmoothing must be in [0, 0.5), got " + labelSmoothing);
    }
    if (type != Type.SIGMOID && labelSmoothing > 0) {
      throw new IllegalArgumentException("labelSmoothing applies to the sigmoid loss only, not " + type);
    }
    this.type = type;
    this.beta = beta;
    this.labelSmoothing = labelSmoothing;
  }

  /** All inputs (B): summed response log-probs of chosen/rejected, under policy and reference. */
  public Result compute(
      NDArray policyChosen, NDArray policyRejected, NDArray refChosen, NDArray refRejected) {
    return compute(policyChosen, policyRejected, refChosen, refRejected, null);
  }

  /**
   * @param target (B) probability that the chosen response is better (soft labels); null means
   *     1 − ε for every pair. Sigmoid loss only.
   */
  public Result compute(NDArray policyChosen, NDArray policyRejected, NDArray refChosen,
      NDArray refRejected, NDArray target) {
    Masked.requireSameShape("policyChosen", policyChosen, "policyRejected", policyRejected);
    Masked.requireSameShape("policyChosen", policyChosen, "refChosen", refChosen);
    Masked.requireSameShape("policyChosen", policyChosen, "refRejected", refRejected);
    if (target != null && type != Type.SIGMOID) {
      throw new IllegalArgumentException("soft targets apply to the sigmoid loss only, not " + type);
    }
    NDArray chosenLogRatio = policyChosen.sub(refChosen);
    NDArray rejectedLogRatio = policyRejected.sub(refRejected);
    NDArray h = chosenLogRatio.sub(rejectedLogRatio);
    NDArray loss = switch (type) {
      case SIGMOID -> sigmoid(h, target);
      case IPO -> Ops.sub(h, 1 / (2 * beta)).square();
      case HINGE -> Activation.relu(Ops.add(Ops.mul(h, beta).neg(), 1));
    };
    NDArray rc = Ops.mul(chosenLogRatio.stopGradient(), beta);
    NDArray rr = Ops.mul(rejectedLogRatio.stopGradient(), beta);
    return new Result(
        loss.mean(),
        BradleyTerryLoss.meanOf(rc),
        BradleyTerryLoss.meanOf(rr),
        BradleyTerryLoss.meanOf(rc.gt(rr)),
        BradleyTerryLoss.meanOf(rc.sub(rr)),
        BradleyTerryLoss.meanOf(policyChosen.stopGradient()),
        BradleyTerryLoss.meanOf(policyRejected.stopGradient()));
  }

  private NDArray sigmoid(NDArray h, NDArray target) {
    // Constants go through Ops: DJL frees a Java-number operand before backward reads it.
    NDArray z = Ops.mul(h, beta);
    // −log σ(z) = softplus(−z) and −log σ(−z) = softplus(z); stable for any |z|.
    if (target != null) {
      Masked.requireSameShape("policyChosen", h, "target", target);
      NDArray p = target.toType(h.getDataType(), false);
      NDArray q = Ops.constant(p, 1).sub(p);
      return Activation.softPlus(z.neg()).mul(p).add(Activation.softPlus(z).mul(q));
    }
    NDArray loss = Ops.mul(Activation.softPlus(z.neg()), 1 - labelSmoothing);
    if (labelSmoothing > 0) {
      loss = loss.add(Ops.mul(Activation.softPlus(z), labelSmoothing));
    }
    return loss;
  }

  /** The loss type, e.g. for TRL IPO's per-token averaging of the inputs. */
  public Type type() {
    return type;
  }
}
