package org.rlhfflow.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * Regression test for the reason {@link Ops} exists: with DJL's {@code x.mul(0.5f)} this loop saw
 * garbage gradients (e.g. -6.5e34) in most iterations, because the scalar's memory is freed
 * before backward reads it and the allocations below reuse it.
 */
class OpsTest {
  @Test
  void constantsStayAliveUntilBackward() {
    for (int i = 0; i < 300; i++) {
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray x = m.create(new float[] {1f, 2f, 3f});
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray y = Ops.sub(Ops.add(Ops.div(Ops.mul(x, 0.5), 2), 1), 3).sum();
          for (int j = 0; j < 20; j++) {
            m.create(777f).close(); // churn small direct buffers
          }
          if (i % 30 == 0) {
            System.gc();
          }
          gc.backward(y);
        }
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, x.getGradient().toFloatArray(), "iteration " + i);
      }
    }
  }

  @Test
  void clipHasClampValuesAndGradientIncludingTheBounds() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {0.5f, 0.8f, 1f, 1.2f, 1.5f});
      x.setRequiresGradient(true);
      NDArray y;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        y = Ops.clip(x, 0.8, 1.2);
        gc.backward(y.sum());
      }
      assertArrayEquals(new float[] {0.8f, 0.8f, 1f, 1.2f, 1.2f}, y.toFloatArray());
      // torch.clamp's backward passes the gradient where lo <= x <= hi, bounds included.
      assertArrayEquals(new float[] {0f, 1f, 1f, 1f, 0f}, x.getGradient().toFloatArray());
    }
  }

  @Test
  void clipKeepsTheDataTypeAndRejectsInvertedBounds() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new double[] {-3, 0, 3});
      NDArray y = Ops.clip(x, -1, 2);
      assertEquals(DataType.FLOAT64, y.getDataType());
      assertArrayEquals(new double[] {-1, 0, 2}, y.toDoubleArray());
      assertThrows(IllegalArgumentException.class, () -> Ops.clip(x, 2, -1));
    }
  }
}
