package org.rlhfflow.model.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class DpoLossTest {
  /** softplus(x) = log(1 + e^x) in double. */
  private static double softplus(double x) {
    return Math.log1p(Math.exp(x));
  }

  @Test
  void sigmoidLossAndStatsMatchHandValues() {
    // beta = 0.1. chosen log-ratios pc - refC = [1, -0.5], rejected pr - refR = [-1, 1]
    // implicit rewards: chosen [0.1, -0.05], rejected [-0.1, 0.1]
    // z = beta * (chosen - rejected) = [0.2, -0.15]; loss = mean(softplus(-z))
    // accuracy: 0.1 > -0.1 yes, -0.05 > 0.1 no -> 0.5; margins mean (0.2 - 0.15) / 2 = 0.025
    try (NDManager m = NDManager.newBaseManager()) {
      var r = new DpoLoss(0.1, 0).compute(m.create(new float[] {-10, -20}),
          m.create(new float[] {-12, -18}), m.create(new float[] {-11, -19.5f}),
          m.create(new float[] {-11, -19}));
      assertEquals((softplus(-0.2) + softplus(0.15)) / 2, r.loss().getFloat(), 1e-6);
      assertEquals(0.025, r.rewardChosen(), 1e-6);
      assertEquals(0.0, r.rewardRejected(), 1e-6);
      assertEquals(0.5, r.accuracy(), 0);
      assertEquals(0.025, r.margin(), 1e-6);
    }
  }

  @Test
  void labelSmoothingMixesBothDirections() {
    // cDPO with eps = 0.1 on the same z = [0.2, -0.15]:
    // per pair 0.9 * softplus(-z) + 0.1 * softplus(z)
    try (NDManager m = NDManager.newBaseManager()) {
      var r = new DpoLoss(0.1, 0.1).compute(m.create(new float[] {-10, -20}),
          m.create(new float[] {-12, -18}), m.create(new float[] {-11, -19.5f}),
          m.create(new float[] {-11, -19}));
      double expected = (0.9 * softplus(-0.2) + 0.1 * softplus(0.2)
          + 0.9 * softplus(0.15) + 0.1 * softplus(-0.15)) / 2;
      assertEquals(expected, r.loss().getFloat(), 1e-6);
    }
  }

  @Test
  void atInitialisationLossIsLog2AndGradientIsHalfBeta() {
    // policy == reference: z = 0, loss = log 2, d loss / d logpi(y_c) = -beta * sigmoid(0) / B
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray pc = m.create(new float[] {-3, -4, -5});
      pc.setRequiresGradient(true);
      DpoLoss.Result r;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        r = new DpoLoss(0.5, 0).compute(pc, m.create(new float[] {-6, -7, -8}),
            m.create(new float[] {-3, -4, -5}), m.create(new float[] {-6, -7, -8}));
        gc.backward(r.loss());
      }
      assertEquals(Math.log(2), r.loss().getFloat(), 1e-6);
      float g = (float) (-0.5 * 0.5 / 3);
      assertArrayEquals(new float[] {g, g, g}, pc.getGradient().toFloatArray(), 1e-7f);
    }
  }
}
