package org.rlhfflow.model.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class GradClipTest {
  @Test
  void scalesAllGradientsToMaxNormAndReturnsPreClipNorm() {
    try (NDManager manager = NDManager.newBaseManager()) {
      TinyLinear net = new TinyLinear(manager, 5);
      net.backward();
      float[] w = net.grad("weight");
      float[] b = net.grad("bias");
      double sumSq = 0;
      for (float g : w) {
        sumSq += (double) g * g;
      }
      for (float g : b) {
        sumSq += (double) g * g;
      }
      double norm = Math.sqrt(sumSq);
      double maxNorm = norm / 4; // forces clipping
      assertEquals(norm, GradClip.clipByGlobalNorm(net.params(), maxNorm), 1e-5 * norm);
      double coef = maxNorm / (norm + 1e-6);
      for (int i = 0; i < w.length; i++) {
        assertEquals(w[i] * coef, net.grad("weight")[i], 1e-6 * norm);
      }
      for (int i = 0; i < b.length; i++) {
        assertEquals(b[i] * coef, net.grad("bias")[i], 1e-6 * norm);
      }
    }
  }

  @Test
  void leavesSmallGradientsUntouched() {
    try (NDManager manager = NDManager.newBaseManager()) {
      TinyLinear net = new TinyLinear(manager, 5);
      net.backward();
      float[] w = net.grad("weight");
      double norm = GradClip.clipByGlobalNorm(net.params(), 1e9);
      assertArrayEquals(w, net.grad("weight"), 0f);
      assertEquals(true, norm > 0);
    }
  }
}
