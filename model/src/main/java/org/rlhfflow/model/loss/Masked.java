package org.rlhfflow.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Masked reductions over (B,T) NDArrays; rows have different lengths, so every mean is masked. */
public final class Masked {
  private Masked() {}

  /**
   * Mean of {@code x} over the entries where {@code mask} is 1, as a differentiable scalar.
   *
   * @throws IllegalArgumentException if the shapes differ; a mask with no 1s gives NaN, as TRL
   */
  public static NDArray mean(NDArray x, NDArray mask) {
    requireSameShape("x", x, "mask", mask);
    return x.mul(mask).sum().div(mask.sum());
  }

  /** Mean of {@code x} over masked entries, as a Java double (no gradient). */
  public static double meanValue(NDArray x, NDArray mask) {
    try (NDArray m = mean(x.stopGradient(), mask)) {
      return scalar(m);
    }
  }

  /** A scalar NDArray of any float type as a Java double. */
  public static double scalar(NDArray x) {
    try (NDArray d = x.toType(DataType.FLOAT64, true)) { // a copy: closing it must not close x
      return d.getDouble();
    }
  }

  static void requireSameShape(String aName, NDArray a, String bName, NDArray b) {
    if (!a.getShape().equals(b.getShape())) {
      throw new IllegalArgumentException(
          aName + " has shape " + a.getShape() + " but " + bName + " has shape " + b.getShape());
    }
  }
}
