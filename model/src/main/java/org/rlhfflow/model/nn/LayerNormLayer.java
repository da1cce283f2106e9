package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;

/** LayerNorm over the last axis (Ba et al. 2016), with an optional bias as in nanoGPT. */
public final class LayerNormLayer extends Module {
  private final Shape normalized;
  private final float eps;
  private final Parameter weight;
  private final Parameter bias;

  public LayerNormLayer(long dim, boolean hasBias, double eps) {
    this.normalized = new Shape(dim);
    this.eps = (float) eps;
    weight = param("weight", new Shape(dim));
    bias = hasBias ? param("bias", new Shape(dim)) : null;
  }

  @Override
  public NDArray apply(NDArray x) {
    if (bias != null) {
      return LayerNorm.layerNorm(x, normalized, weight.getArray(), bias.getArray(), eps).head();
    }
    try (NDArray zero = x.getManager().zeros(normalized, x.getDataType())) {
      return LayerNorm.layerNorm(x, normalized, weight.getArray(), zero, eps).head();
    }
  }
}
