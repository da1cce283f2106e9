package org.rlhfflow.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.NoGrad;

/**
 * The fused TorchScript kernels compute the op-by-op formulas they replace, forward and backward,
 * in float32 and float64, with padding masks and for a one-token decode step.
 */
class FusedKernelsTest {
  @Test
  void archiveLoadsAndKernelsAreOn() {
    assertTrue(FusedKernels.enabled(), "RLHF_FUSED_KERNELS is unset in the tests");
  }

  @Test
  void geluMatchesTheTanhFormulaWithGradients() {
    for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray x = m.randomUniform(-4, 4, new Shape(3, 5, 16)).toType(type, false);
        double tol = type == DataType.FLOAT32 ? 1e-6 : 1e-12;
        compare(m, x, Mlp::geluOps, FusedKernels::geluTanh, tol);
      }
    }
  }

  @Test
  void attentionMatchesSoftmaxFormulaWithPaddingAndCache() {
    for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      for (int t : new int[] {6, 1}) { // a prefix and a decode step over 6 keys
        try (NDManager m = NDManager.newBaseManager()) {
          long b = 2;
          long nh = 3;
          long hs = 8;
          long s = 6;
          NDArray q = m.randomNormal(new Shape(b, nh, t, hs)).toType(type, false);
          NDArray k = m.randomNormal(new Shape(b, nh, s, hs)).toType(type, false);
          NDArray v = m.randomNormal(new Shape(b, nh, s, hs)).toType(type, false);
          // Row 0 has two left pads; causal over the last t of s keys, as Gpt.attentionBias builds it.
          float[] bias = new float[(int) (b * t * s)];
          for (int row = 0; row < b; row++) {
            for (int qi = 0; qi < t; qi++) {
              for (int ki = 0; ki < s; ki++) {
                boolean pad = row == 0 && ki < 2;
                boolean future = ki > s - t + qi;
                bias[(int) ((row * t + qi) * s + ki)] = pad || future ? -1e9f : 0f;
              }
            }
          }
          NDArray mask = m.create(bias, new Shape(b, 1, t, s)).toType(type, false);
          double scale = 1 / Math.sqrt(hs);
          // A query that sees only padding (row 0's first two at t = 6) has no defined output; the
          // model masks such positions out of every loss, so they are compared for finiteness only.
          float[] seen = new float[(int) (b * t)];
          for (int row = 0; row < b; row++) {
            for (int qi = 0; qi < t; qi++) {
              seen[(int) (row * t + qi)] = row == 0 && s - t + qi < 2 ? 0f : 1f;
            }
          }
          NDArray valid = m.create(seen, new Shape(b, 1, t, 1)).toType(type, false);
          double tol = type == DataType.FLOAT32 ? 1e-5 : 1e-11;
          compare(m, q, x -> CausalSelfAttention.attendOps(x, k, v, mask, scale).mul(valid),
              x -> finite(FusedKernels.attention(x, k, v, mask)).mul(valid), tol);
          compare(m, k, x -> CausalSelfAttention.attendOps(q, x, v, mask, scale).mul(valid),
              x -> FusedKernels.attention(q, x, v, mask).mul(valid), tol);
          compare(m, v, x -> CausalSelfAttention.attendOps(q, k, x, mask, scale).mul(valid),
              x -> FusedKernels.attention(q, k, x, mask).mul(valid), tol);
        }
      }
    }
  }

  @Test
  void recordsNothingUnderNoGrad() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(-1, 1, new Shape(4, 4));
      x.setRequiresGradient(true);
      try (NoGrad ng = NoGrad.enter()) {
        assertFalse(FusedKernels.geluTanh(x).hasGradient());
      }
    }
  }

  /** Outputs and the gradient of sum(out * w), w fixed random, agree to {@code tol}. */
  private static void compare(NDManager m, NDArray input, Function<NDArray, NDArray> ops,
      Function<NDArray, NDArray> fused, double tol) {
    NDArray[] a = outputAndGradient(m, input, ops);
    NDArray[] f = outputAndGradient(m, input, fused);
    assertEquals(0, maxAbs(a[0].sub(f[0])), tol, "output");
    assertEquals(0, maxAbs(a[1].sub(f[1])), tol, "gradient");
  }

  private static NDArray[] outputAndGradient(NDManager m, NDArray input, Function<NDArray, NDArray> f) {
    NDArray x = input.duplicate();
    x.setRequiresGradient(true);
    NDArray out;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      out = f.apply(x);
      // A fixed, non-trivial direction, the same for both sides.
      NDArray w = m.create(weights(out.getShape().size()), out.getShape()).toType(out.getDataType(), false);
      gc.backward(out.mul(w).sum());
    }
    return new NDArray[] {out.duplicate(), x.getGradient().duplicate()};
  }

  private static NDArray finite(NDArray x) {
    assertFalse(x.isNaN().any().getBoolean() || x.isInfinite().any().getBoolean(), "non-finite output");
    return x;
  }

  private static float[] weights(long n) {
    float[] w = new float[Math.toIntExact(n)];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) Math.sin(0.37 * i + 0.1);
    }
    return w;
  }

  private static double maxAbs(NDArray x) {
    return x.abs().max().toType(DataType.FLOAT64, false).getDouble();
  }
}
