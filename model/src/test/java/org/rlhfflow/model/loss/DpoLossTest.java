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

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** The inputs of the first test, h = [2, -1.5]; returns the policy arrays' gradients. */
  private static float[][] lossAndGrads(DpoLoss loss, float[] target, double[] lossOut) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray pc = m.create(new float[] {-10, -20});
      NDArray pr = m.create(new float[] {-12, -18});
      pc.setRequiresGradient(true);
      pr.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        DpoLoss.Result r = loss.compute(pc, pr, m.create(new float[] {-11, -19.5f}),
            m.create(new float[] {-11, -19}), target == null ? null : m.create(target));
        gc.backward(r.loss());
        lossOut[0] = r.loss().getFloat();
      }
      return new float[][] {pc.getGradient().toFloatArray(), pr.getGradient().toFloatArray()};
    }
  }

  @Test
  void sigmoidGradientIsMinusBetaTimesSigmoidOfMinusZOverB() {
    // z = [0.2, -0.15]; d loss / d logpi(y_c) = -beta * sigmoid(-z) / B, and the opposite for y_r
    double[] loss = new double[1];
    float[][] g = lossAndGrads(new DpoLoss(0.1, 0), null, loss);
    float[] expected = {(float) (-0.1 * sigmoid(-0.2) / 2), (float) (-0.1 * sigmoid(0.15) / 2)};
    assertArrayEquals(expected, g[0], 1e-7f);
    assertArrayEquals(new float[] {-expected[0], -expected[1]}, g[1], 1e-7f);
  }

  @Test
  void ipoIsSquaredDistanceToHalfInverseBeta() {
    // h = [2, -1.5], 1/(2 beta) = 5: loss = mean((h - 5)^2) = (9 + 42.25) / 2
    // d/d logpi(y_c) = 2 (h - 5) / B = [-3, -6.5]; d/d logpi(y_r) is the opposite
    double[] loss = new double[1];
    float[][] g = lossAndGrads(new DpoLoss(DpoLoss.Type.IPO, 0.1, 0), null, loss);
    assertEquals(25.625, loss[0], 1e-5);
    assertArrayEquals(new float[] {-3f, -6.5f}, g[0], 1e-5f);
    assertArrayEquals(new float[] {3f, 6.5f}, g[1], 1e-5f);
  }

  @Test
  void hingeIsReluOfOneMinusBetaH() {
    // beta = 0.1: relu(1 - 0.1 h) = [0.8, 1.15], both active: gradient -beta / B on y_c
    double[] loss = new double[1];
    float[][] g = lossAndGrads(new DpoLoss(DpoLoss.Type.HINGE, 0.1, 0), null, loss);
    assertEquals(0.975, loss[0], 1e-6);
    assertArrayEquals(new float[] {-0.05f, -0.05f}, g[0], 1e-7f);
    // beta = 1: relu(1 - h) = [0, 2.5]: the first pair is past the margin and gets no gradient
    g = lossAndGrads(new DpoLoss(DpoLoss.Type.HINGE, 1, 0), null, loss);
    assertEquals(1.25, loss[0], 1e-6);
    assertArrayEquals(new float[] {0f, -0.5f}, g[0], 1e-7f);
  }

  @Test
  void softTargetsAreCrossEntropyAgainstThePreferenceProbability() {
    // p = [0.8, 0.3], z = [0.2, -0.15]: loss_i = p softplus(-z) + (1 - p) softplus(z)
    // d loss / d z = sigmoid(z) - p, so d/d logpi(y_c) = beta (sigmoid(z) - p) / B
    double[] loss = new double[1];
    float[][] g = lossAndGrads(new DpoLoss(0.1, 0), new float[] {0.8f, 0.3f}, loss);
    double expected = (0.8 * softplus(-0.2) + 0.2 * softplus(0.2)
        + 0.3 * softplus(0.15) + 0.7 * softplus(-0.15)) / 2;
    assertEquals(expected, loss[0], 1e-6);
    assertArrayEquals(new float[] {(float) (0.1 * (sigmoid(0.2) - 0.8) / 2),
        (float) (0.1 * (sigmoid(-0.15) - 0.3) / 2)}, g[0], 1e-7f);
    // A hard target of 1 is the plain sigmoid loss.
    double[] hard = new double[1];
    lossAndGrads(new DpoLoss(0.1, 0), new float[] {1f, 1f}, hard);
    assertEquals((softplus(-0.2) + softplus(0.15)) / 2, hard[0], 1e-6);
  }

  @Test
  void metricsUseTrlNames() {
    try (NDManager m = NDManager.newBaseManager()) {
      var r = new DpoLoss(0.1, 0).compute(m.create(new float[] {-10, -20}),
          m.create(new float[] {-12, -18}), m.create(new float[] {-11, -19.5f}),
          m.create(new float[] {-11, -19}));
      var metrics = r.metrics();
      assertEquals(-15.0, metrics.get("logps/chosen"), 1e-6);
      assertEquals(-15.0, metrics.get("logps/rejected"), 1e-6);
      assertEquals(0.5, metrics.get("rewards/accuracies"), 0);
      assertEquals(0.025, metrics.get("rewards/margins"), 1e-6);
      assertEquals(r.loss().getFloat(), metrics.get("dpo/loss"), 1e-6);
    }
  }

  @Test
  void softTargetsAndSmoothingAreSigmoidOnly() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new DpoLoss(DpoLoss.Type.IPO, 0.1, 0.1));
  }
}
