package org.rlhfflow.model.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class BradleyTerryLossTest {
  /** -log sigmoid(x) = log(1 + e^-x), in double. */
  static double nls(double x) {
    return Math.log1p(Math.exp(-x));
  }

  @Test
  void lossAndAccuracyMatchHandValues() {
    // diffs r_c - r_r = [1, -0.5, 0]; the tie counts as wrong: accuracy 1/3.
    try (NDManager m = NDManager.newBaseManager()) {
      var r = new BradleyTerryLoss(0)
          .compute(m.create(new float[] {2, 0, -1}), m.create(new float[] {1, 0.5f, -1}), null);
      assertEquals((nls(1) + nls(-0.5) + nls(0)) / 3, r.loss().getFloat(), 1e-6);
      assertEquals(1.0 / 3, r.accuracy(), 1e-12);
      assertEquals(1.0 / 3, r.rewardChosen(), 1e-7);
      assertEquals(0.5 / 3, r.rewardRejected(), 1e-7); // (1 + 0.5 - 1) / 3
      assertEquals(0.5 / 3, r.margin(), 1e-7);
    }
  }

  @Test
  void softTargetsGiveCrossEntropyAndHardTargetsTheSameLoss() {
    // p = [0.7, 1, 0.5] on diffs [1, -0.5, 0]: p*nls(x) + (1-p)*nls(-x).
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray c = m.create(new float[] {2, 0, -1});
      NDArray r = m.create(new float[] {1, 0.5f, -1});
      var soft = new BradleyTerryLoss(0).compute(c, r, null, m.create(new float[] {0.7f, 1f, 0.5f}));
      double expected = (0.7 * nls(1) + 0.3 * nls(-1) + nls(-0.5) + 0.5 * nls(0) + 0.5 * nls(0)) / 3;
      assertEquals(expected, soft.loss().getFloat(), 1e-6);
      var hard = new BradleyTerryLoss(0).compute(c, r, null, m.create(new float[] {1f, 1f, 1f}));
      assertEquals(new BradleyTerryLoss(0).compute(c, r, null).loss().getFloat(), hard.loss().getFloat(), 1e-7);
      // At p = 0.5 the loss is smallest at x = 0: the gradient at x = 1 pushes the gap down.
      NDArray x = m.create(new float[] {1f});
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(new BradleyTerryLoss(0).compute(x, m.zeros(x.getShape()), null, m.create(new float[] {0.5f})).loss());
      }
      assertEquals(1 / (1 + Math.exp(-1)) - 0.5, x.getGradient().getFloat(), 1e-6);
    }
  }

  @Test
  void marginAndCenteringTerms() {
    // margin [0.5, 0, 0] -> logits [0.5, -0.5, 0]; centering 0.01 * mean((r_c + r_r)^2)
    // with r_c + r_r = [3, 0.5, -2] -> 0.01 * (9 + 0.25 + 4) / 3
    try (NDManager m = NDManager.newBaseManager()) {
      var r = new BradleyTerryLoss(0.01)
          .compute(m.create(new float[] {2, 0, -1}), m.create(new float[] {1, 0.5f, -1}),
              m.create(new float[] {0.5f, 0, 0}));
      double expected = (nls(0.5) + nls(-0.5) + nls(0)) / 3 + 0.01 * (9 + 0.25 + 4) / 3;
      assertEquals(expected, r.loss().getFloat(), 1e-6);
    }
  }

  @Test
  void stableForLargeGapsAndCorrectGradientAtTies() {
    try (NDManager m = NDManager.newBaseManager()) {
      var r = new BradleyTerryLoss(0)
          .compute(m.create(new float[] {100, -100}), m.create(new float[] {-100, 100}), null);
      // -log sigmoid(200) ~ e^-200 ~ 0; -log sigmoid(-200) = 200 + log(1 + e^-200) ~ 200
      assertEquals(100.0, r.loss().getFloat(), 1e-4);

      // At r_c = r_r (a fresh reward head) d loss / d r_c = -sigmoid(0) / B = -0.25 for B = 2.
      NDArray rc = m.create(new float[] {0.3f, -0.7f});
      rc.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(new BradleyTerryLoss(0).compute(rc, m.create(new float[] {0.3f, -0.7f}), null)
            .loss());
      }
      assertArrayEquals(new float[] {-0.25f, -0.25f}, rc.getGradient().toFloatArray(), 1e-7f);
    }
  }
}
