package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * Arithmetic with a constant that is safe under autograd.
 *
 * <p>Why not {@code x.mul(0.5)}: DJL 0.32's PyTorch {@code mul(Number)} (also add, sub, div, pow,
 * maximum) wraps the constant in a tensor whose memory is a Java direct buffer, runs the op, and
 * closes the tensor at once. Autograd saves that tensor for the backward pass, so backward then
 * reads freed memory: we saw gradients of exactly 0 or NaN, at random, before this class existed.
 * Here the constant is an array owned by x's manager, alive until that (per-step) manager closes.
 */
public final class Ops {
  private Ops() {}

  /** A scalar of x's data type on x's manager. */
  public static NDArray constant(NDArray x, double value) {
    if (x.getDataType() == DataType.FLOAT32) {
      return x.getManager().create((float) value);
    }
    return x.getManager().create(value).toType(x.getDataType(), false);
  }

  public static NDArray mul(NDArray x, double c) {
    return x.mul(constant(x, c));
  }

  public static NDArray add(NDArray x, double c) {
    return x.add(constant(x, c));
  }

  public static NDArray sub(NDArray x, double c) {
    return x.sub(constant(x, c));
  }

  public static NDArray div(NDArray x, double c) {
    return x.div(constant(x, c));
  }

  /**
   * x clamped to [lo, hi], with torch.clamp's gradient: 1 where lo &lt;= x &lt;= hi, else 0. DJL's
   * {@code clip(Number, Number)} frees its bound tensors like {@code mul(Number)}; a
   * maximum/minimum chain would also split the gradient in half at x == lo or x == hi.
   */
  public static NDArray clip(NDArray x, double lo, double hi) {
    if (!(lo <= hi)) {
      throw new IllegalArgumentException("clip needs lo <= hi, got lo=" + lo + " hi=" + hi);
    }
    // DJL's where does not broadcast, so the bounds are expanded to x's shape.
    NDArray low = constant(x, lo).broadcast(x.getShape());
    NDArray high = constant(x, hi).broadcast(x.getShape());
    return NDArrays.where(x.lt(low), low, NDArrays.where(x.gt(high), high, x));
  }
}
