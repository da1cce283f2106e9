package org.rlhfflow.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
          NDArray y = Ops.add(Ops.div(Ops.mul(x, 0.5), 2), 1).sum();
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
}
