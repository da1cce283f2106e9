package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * RMSNorm (Zhang and Sennrich 2019): x / sqrt(mean(x^2) + eps) * weight, no mean subtraction and
 * no bias, as Hugging Face's {@code LlamaRMSNorm}.
 */
public final class RmsNorm extends Module {
  private final Parameter weight;
  private final double eps;

  public RmsNorm(long dim, double eps) {
    this.weight = param("weight", new Shape(dim));
    this.eps = eps;
  }

  @Override
  public NDArray apply(NDArray x) {
    NDArray ms = x.mul(x).mean(new int[] {-1}, true); // (..., 1)
    return x.div(Ops.add(ms, eps).sqrt()).mul(weight.getArray());
  }
}
