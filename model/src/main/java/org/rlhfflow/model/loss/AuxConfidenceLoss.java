package org.rlhfflow.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Auxiliary confidence loss for weak-to-strong generalization (Burns et al. 2023, "Weak-to-Strong
 * Generalization", section 4.3.2, eq. 1), for binary classifiers with (B,2) logits.
 *
 * <p>L = (1−α)·CE(f(x), f_w(x)) + α·CE(f(x), f̂(x)), where f_w are the weak labels and f̂ the
 * strong model's own predictions hardened at a threshold chosen per batch so that the hardened
 * labels have the same positive fraction as the weak labels: the k = round(B·mean(f_w)) examples
 * with the highest p(class 1) become 1, the rest 0. The hardened labels carry no gradient.
 *
 * <p>α ramps up smoothly from 0 to α_max over the first {@code warmupFrac} of training with a
 * half-cosine, 0.5·α_max·(1 − cos(π·s/warmup)), then stays at α_max. The reference code
 * (openai/weak-to-strong, {@code logconf_loss_fn}) instead sets α = α_max·s during warmup and then
 * α = α_max, so with warmup 0.1 it jumps from 0.1·α_max to α_max at 10% of training; that
 * discontinuity is a bug we deliberately do not copy.
 *
 * <pre>{@code
 * var aux = new AuxConfidenceLoss(0.75, 0.2);
 * AuxConfidenceLoss.Result r = aux.compute(logits, weakProbs, step / (double) totalSteps);
 * }</pre>
 */
public final class AuxConfidenceLoss {
  /**
   * @param loss differentiable scalar
   * @param alpha the α used at this step
   * @param threshold smallest p(class 1) that was hardened to 1 (1.0 if none was)
   * @param hardenedPositiveFraction fraction of the batch hardened to 1
   */
  public record Result(
      NDArray loss, double alpha, double threshold, double hardenedPositiveFraction) {}

  private final double alphaMax;
  private final double warmupFrac;

  /**
   * @param alphaMax final weight of the self-confidence term (Burns et al.: 0.75 for the largest
   *     students; the reference code's default 0.5)
   * @param warmupFrac fraction of training over which α ramps up from 0 (Burns et al.: 0.2)
   */
  public AuxConfidenceLoss(double alphaMax, double warmupFrac) {
    if (!(alphaMax >= 0 && alphaMax <= 1) || !(warmupFrac >= 0 && warmupFrac <= 1)) {
      throw new IllegalArgumentException(
          "alphaMax and warmupFrac must be in [0, 1], got alphaMax=" + alphaMax + " warmupFrac="
              + warmupFrac);
    }
    this.alphaMax = alphaMax;
    this.warmupFrac = warmupFrac;
  }

  /** α at training progress {@code stepFrac} in [0, 1]: continuous and non-decreasing. */
  public double alpha(double stepFrac) {
    if (!(stepFrac >= 0 && stepFrac <= 1)) {
      throw new IllegalArgumentException("stepFrac must be in [0, 1], got " + stepFrac);
    }
    if (stepFrac >= warmupFrac) {
      return alphaMax;
    }
    return 0.5 * alphaMax * (1 - Math.cos(Math.PI * stepFrac / warmupFrac));
  }

  /**
   * @param logits (B,2) strong-student logits
   * @param weakLabels (B) weak supervisor's probability of class 1 (soft or 0/1)
   * @param stepFrac training progress in [0, 1]
   */
  public Result compute(NDArray logits, NDArray weakLabels, double stepFrac) {
    long b = logits.getShape().get(0);
    if (logits.getShape().dimension() != 2 || logits.getShape().get(1) != 2
        || !weakLabels.getShape().equals(new Shape(b))) {
      throw new IllegalArgumentException(
          "need logits (B,2) and weakLabels (B), got " + logits.getShape() + " and "
              + weakLabels.getShape());
    }
    double alpha = alpha(stepFrac);
    float[] weak = weakLabels.toType(DataType.FLOAT32, true).toFloatArray();
    double[] p1 = logits.stopGradient().softmax(1).get(":, 1").toType(DataType.FLOAT64, true)
        .toDoubleArray();
    int k = (int) Math.round(b * mean(weak));
    float[] hard = new float[(int) b];
    Integer[] order = IntStream.range(0, (int) b).boxed().toArray(Integer[]::new);
    // Highest p1 first; ties broken by index so the result is deterministic.
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -p1[i]).thenComparingInt(i -> i));
    for (int i = 0; i < k; i++) {
      hard[order[i]] = 1f;
    }
    NDManager m = logits.getManager();
    float[] target = new float[(int) b * 2];
    for (int i = 0; i < b; i++) {
      float t1 = (float) ((1 - alpha) * weak[i] + alpha * hard[i]);
      target[2 * i] = 1 - t1;
      target[2 * i + 1] = t1;
    }
    // CE is linear in the target, so one CE against the mixed target equals the α-weighted sum.
    NDArray logp = logits.logSoftmax(1);
    NDArray loss = logp.mul(m.create(target, new Shape(b, 2))).sum(new int[] {1}).mean().neg();
    double threshold = k > 0 ? p1[order[k - 1]] : 1.0;
    return new Result(loss, alpha, threshold, (double) k / b);
  }

  private static double mean(float[] x) {
    double s = 0;
    for (float v : x) {
      s += v;
    }
    return s / x.length;
  }
}
