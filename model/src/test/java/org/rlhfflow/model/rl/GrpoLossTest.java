package org.rlhfflow.model.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.rl.GrpoLoss.Aggregation;

class GrpoLossTest {
  private record Out(double loss, float[] grad, GrpoLoss.Result r) {}

  private static Out run(GrpoLoss loss, float[] newLogp, float[] oldLogp, float[] ref, float[] adv,
      float[] mask, int rows, int maxLen, double batchTokens) {
    try (NDManager m = NDManager.newBaseManager()) {
      Shape s = new Shape(rows, newLogp.length / rows);
      NDArray logp = m.create(newLogp, s);
      logp.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        GrpoLoss.Result r = loss.compute(logp, m.create(oldLogp, s), ref == null ? null : m.create(ref, s),
            m.create(adv, new Shape(rows, 1)), m.create(mask, s), maxLen, batchTokens);
        gc.backward(r.loss());
        return new Out(r.loss().getFloat(), logp.getGradient().toFloatArray(), r);
      }
    }
  }

  // Rows of 2 and 3 response tokens, advantages 1 and -0.5, on-policy (ratio 1): per token -A.
  private static final float[] LOGP = {-1f, -2f, -9f, -0.5f, -1.5f, -2.5f};
  private static final float[] MASK = {1, 1, 0, 1, 1, 1};
  private static final float[] ADV = {1f, -0.5f};

  @Test
  void grpoAveragesPerSequenceThenOverSequences() {
    Out o = run(new GrpoLoss(Aggregation.GRPO, 0.2, 0.2, 0), LOGP, LOGP, null, ADV, MASK, 2, 4, 10);
    // row means -1 and 0.5 -> -0.25; d/dlogp = -A / len / B
    assertEquals(-0.25, o.loss(), 1e-7);
    assertArrayEquals(new float[] {-0.25f, -0.25f, 0, 0.5f / 6, 0.5f / 6, 0.5f / 6}, o.grad(), 1e-7f);
  }

  @Test
  void drGrpoDividesByBatchTimesMaxCompletionLength() {
    Out o = run(new GrpoLoss(Aggregation.DR_GRPO, 0.2, 0.2, 0), LOGP, LOGP, null, ADV, MASK, 2, 4, 10);
    // sum -2 + 1.5 = -0.5, / (2 * 4); d/dlogp = -A / 8
    assertEquals(-0.0625, o.loss(), 1e-7);
    assertArrayEquals(new float[] {-0.125f, -0.125f, 0, 0.0625f, 0.0625f, 0.0625f}, o.grad(), 1e-7f);
  }

  @Test
  void dapoDividesByTheGenerationBatchTokens() {
    Out o = run(new GrpoLoss(Aggregation.DAPO, 0.2, 0.2, 0), LOGP, LOGP, null, ADV, MASK, 2, 4, 10);
    assertEquals(-0.05, o.loss(), 1e-7);
    assertArrayEquals(new float[] {-0.1f, -0.1f, 0, 0.05f, 0.05f, 0.05f}, o.grad(), 1e-7f);
  }

  @Test
  void clippingStopsTheGradientOnlyWhereTheRatioLeavesTheTrustRegionInTheAdvantagesDirection() {
    // ratios [1.5, 0.5, 1] in both rows; A = 1 then A = -1; eps 0.2
    float ln15 = (float) Math.log(1.5);
    float ln05 = (float) Math.log(0.5);
    float[] old = {0, 0, 0, 0, 0, 0};
    float[] now = {ln15, ln05, 0, ln15, ln05, 0};
    float[] all = {1, 1, 1, 1, 1, 1};
    Out o = run(new GrpoLoss(Aggregation.GRPO, 0.2, 0.2, 0), now, old, null, new float[] {1, -1}, all,
        2, 3, 6);
    // row 0: -min(rho, clip) = [-1.2 (clipped), -0.5, -1] mean -0.9
    // row 1: max(rho, clip) = [1.5, 0.8 (clipped), 1] mean 1.1; loss 0.1
    assertEquals(0.1, o.loss(), 1e-6);
    // d/dlogp of -A*rho is -A*rho, / 3 tokens / 2 rows; clipped tokens get 0
    assertArrayEquals(new float[] {0, -0.5f / 6, -1f / 6, 1.5f / 6, 0, 1f / 6}, o.grad(), 1e-6f);
    assertEquals(1.0 / 6, o.r().clipHigh(), 1e-7);
    assertEquals(1.0 / 6, o.r().clipLow(), 1e-7);
    assertEquals(2.0 / 6, o.r().clipRegion(), 1e-7);
  }

  @Test
  void k3KlTermIsAddedPerTokenWithBeta() {
    // ref - logp = ln 2 on both tokens: k3 = 2 - ln 2 - 1; d k3 / d logp = 1 - e^(ln 2) = -1
    float ln2 = (float) Math.log(2);
    float[] logp = {-1f, -2f};
    float[] ref = {-1f + ln2, -2f + ln2};
    Out o = run(new GrpoLoss(Aggregation.GRPO, 0.2, 0.2, 0.1), logp, logp, ref, new float[] {0},
        new float[] {1, 1}, 1, 2, 2);
    double k3 = 1 - Math.log(2);
    assertEquals(k3, o.r().kl(), 1e-6);
    assertEquals(0.1 * k3, o.loss(), 1e-6);
    assertArrayEquals(new float[] {-0.05f, -0.05f}, o.grad(), 1e-6f);
  }
}
