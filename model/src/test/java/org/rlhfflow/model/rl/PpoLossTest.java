package org.rlhfflow.model.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class PpoLossTest {
  private static final PpoLoss PPO = new PpoLoss(0.2, 0.2, 0.1);

  @Test
  void firstMinibatchOnFreshRolloutsHasUnitRatioAndPlainPolicyGradient() {
    // Rows of different lengths: 3 and 2 response tokens, N = 5 masked tokens in all.
    float[] mask = {0, 1, 1, 1, 0, 0, 1, 1};
    float[] logp = {-3f, -0.5f, -1.2f, -2.0f, -7f, -4f, -0.1f, -0.9f};
    float[] adv = {9f, 1.5f, -0.5f, 0.25f, 9f, 9f, -2f, 0.75f};
    float[] ret = {0f, 1f, 2f, 3f, 0f, 0f, -1f, 0.5f};
    float[] val = {5f, 0.5f, 1.5f, 3.5f, 5f, 5f, 0f, 0.5f};
    try (NDManager m = NDManager.newBaseManager()) {
      Shape s = new Shape(2, 4);
      NDArray newLogp = m.create(logp, s);
      newLogp.setRequiresGradient(true);
      NDArray values = m.create(val, s);
      values.setRequiresGradient(true);
      PpoLoss.Result r;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        r = PPO.compute(newLogp, m.create(logp, s), m.create(adv, s), values, m.create(val, s),
            m.create(ret, s), m.create(mask, s));
        gc.backward(r.loss());
      }
      assertEquals(1.0, r.ratioMean(), 0);
      assertEquals(0.0, r.approxKl(), 0);
      assertEquals(0.0, r.clipfrac(), 0);
      assertEquals(0.0, r.vfClipfrac(), 0);
      // With ratio = 1 the surrogate is -mean(A) over masked tokens and its gradient with
      // respect to logp_t is -A_t * mask_t / N: the REINFORCE gradient weighted by advantages.
      double meanAdv = (1.5 - 0.5 + 0.25 - 2 + 0.75) / 5;
      assertEquals(-meanAdv, r.policyLoss().getFloat(), 1e-7);
      float[] expectedGrad = new float[8];
      for (int i = 0; i < 8; i++) {
        expectedGrad[i] = -adv[i] * mask[i] / 5;
      }
      assertArrayEquals(expectedGrad, newLogp.getGradient().toFloatArray(), 1e-7f);
      // values == oldValues, so no value clipping: 0.5 * mean((V - R)^2)
      // masked (V-R): 0.5-1, 1.5-2, 3.5-3, 0+1, 0.5-0.5 -> squares .25 .25 .25 1 0 -> sum 1.75
      assertEquals(0.5 * 1.75 / 5, r.valueLoss().getFloat(), 1e-7);
      // d total / dV_t = vfCoef * (V_t - R_t) / N on masked tokens
      float[] dv = values.getGradient().toFloatArray();
      for (int i = 0; i < 8; i++) {
        assertEquals(0.1 * (val[i] - ret[i]) * mask[i] / 5, dv[i], 1e-7, "dV at " + i);
      }
    }
  }

  @Test
  void clippingMatchesHandComputation() {
    // eps = 0.2. Token 3 is masked out with wild values that must not matter.
    // ratio = [1.5, 0.5, 1.1], A = [1, 1, -1]:
    //   t0: -1.5 vs -1.2 (clip to 1.2) -> max -1.2, clipped
    //   t1: -0.5 vs -0.8 (clip to 0.8) -> max -0.5, not clipped
    //   t2:  1.1 vs  1.1               -> 1.1, not clipped
    // policy loss = (-1.2 - 0.5 + 1.1) / 3 = -0.2, clipfrac = 1/3, mean ratio = 3.1/3
    // V = [1, 0, 0.5], Vold = [0.5, 0, 0.5], R = [2, 1, 0], eps_v = 0.2:
    //   t0: clip(1, 0.3, 0.7) = 0.7: (1-2)^2 = 1 vs (0.7-2)^2 = 1.69 -> 1.69, clipped
    //   t1: 1 vs 1 -> 1;  t2: 0.25 vs 0.25 -> 0.25
    // value loss = 0.5 * (1.69 + 1 + 0.25) / 3 = 0.49, vf clipfrac = 1/3
    // total = -0.2 + 0.1 * 0.49 = -0.151
    double[] ratio = {1.5, 0.5, 1.1, 40};
    float[] newLogp = new float[4];
    for (int i = 0; i < 4; i++) {
      newLogp[i] = (float) (Math.log(ratio[i]) - 1.0);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      Shape s = new Shape(1, 4);
      NDArray lp = m.create(newLogp, s);
      lp.setRequiresGradient(true);
      PpoLoss.Result r;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        r = PPO.compute(lp, m.full(s, -1f), m.create(new float[] {1, 1, -1, 5}, s),
            m.create(new float[] {1, 0, 0.5f, 9}, s), m.create(new float[] {0.5f, 0, 0.5f, 0}, s),
            m.create(new float[] {2, 1, 0, -9}, s), m.create(new float[] {1, 1, 1, 0}, s));
        gc.backward(r.policyLoss());
      }
      assertEquals(-0.2, r.policyLoss().getFloat(), 1e-6);
      assertEquals(1.0 / 3, r.clipfrac(), 1e-7);
      assertEquals(3.1 / 3, r.ratioMean(), 1e-6);
      double l1 = Math.log(1.5);
      double l2 = Math.log(0.5);
      double l3 = Math.log(1.1);
      assertEquals(0.5 * (l1 * l1 + l2 * l2 + l3 * l3) / 3, r.approxKl(), 1e-6);
      assertEquals(0.49, r.valueLoss().getFloat(), 1e-6);
      assertEquals(1.0 / 3, r.vfClipfrac(), 1e-7);
      assertEquals(-0.151, r.loss().getFloat(), 1e-6);
      // d/dlogp = -A * ratio / N where unclipped, 0 where clipped: [0, -0.5/3, 1.1/3, 0]
      assertArrayEquals(new float[] {0, -0.5f / 3, 1.1f / 3, 0},
          lp.getGradient().toFloatArray(), 1e-6f);
      assertEquals(-0.151, r.metrics().get("ppo/loss/total"), 1e-6);
    }
  }

  @Test
  void entropyOfUniformLogitsIsLogV() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = m.full(new Shape(2, 3, 4), 0.7f);
      NDArray mask = m.create(new float[] {0, 1, 1, 1, 0, 0}, new Shape(2, 3));
      assertEquals(Math.log(4), PpoLoss.entropy(logits, mask), 1e-6);
    }
  }
}
