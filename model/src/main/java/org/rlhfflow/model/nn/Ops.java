package org.rlhfflow.model.nn;

import ai.djl.ndarray.NDArray;
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

  public static NDArray div(NDArray x, double c) {
    return x.div(constant(x, c));
  }
}
