package org.rlhfflow.model.optim;

import org.rlhfflow.model.NoGrad;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;

/**
 * Gradient clipping by global L2 norm (Pascanu et al. 2013), as PyTorch's
 * {@code clip_grad_norm_}: if the norm over all gradients exceeds maxNorm, every gradient is
 * scaled in place by maxNorm/(norm + 1e-6).
 *
 * <pre>{@code double norm = GradClip.clipByGlobalNorm(block.getParameters(), 1.0);}</pre>
 */
public final class GradClip {
  private static final double EPS = 1e-6;

  private GradClip() {}

  /**
   * Clips the gradients of the trainable parameters in place; call after backward, before the
   * optimizer step, outside the gradient collector.
   *
   * @return the global gradient norm before clipping (log it: spikes precede divergence)
   */
  public static double clipByGlobalNorm(ParameterList params, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
    }
    var trainable = NamedParams.trainable(params);
    try (NoGrad ng = NoGrad.enter(); NDScope scope = new NDScope()) { // scales gradients in place
      scope.suppressNotUsedWarning();
      double sumSq = 0;
      for (Pair<String, Parameter> p : trainable) {
        NDArray g = p.getValue().getArray().getGradient();
        sumSq += g.toType(DataType.FLOAT64, false).square().sum().getDouble();
      }
      double norm = Math.sqrt(sumSq);
      double coef = maxNorm / (norm + EPS);
      if (coef < 1) {
        for (Pair<String, Parameter> p : trainable) {
          p.getValue().getArray().getGradient().muli((float) coef);
        }
      }
      return norm;
    }
  }
}
