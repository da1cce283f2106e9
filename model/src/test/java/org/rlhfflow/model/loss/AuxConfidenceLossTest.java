package org.rlhfflow.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AuxConfidenceLossTest {
  // 8 examples; logit(class 1) - logit(class 0) = d, so p1 = sigmoid(d) is ordered by d.
  private static final float[] D = {0.3f, -1.2f, 2.0f, 0.9f, -0.4f, 1.5f, -2.2f, 0.1f};
  // Weak labels: 3 of 8 positive, on examples that the student does not rank highest.
  private static final float[] WEAK = {0, 1, 0, 0, 1, 0, 1, 0};

  @Test
  void hardenedLabelsMatchWeakClassBalance() {
    try (NDManager m = NDManager.newBaseManager()) {
      var r = new AuxConfidenceLoss(0.5, 0.1).compute(logits(m), m.create(WEAK), 1.0);
      assertEquals(3.0 / 8, r.hardenedPositiveFraction(), 0);
      // Top 3 by d are 2.0 (i=2), 1.5 (i=5), 0.9 (i=3): threshold = sigmoid(0.9)
      assertEquals(1 / (1 + Math.exp(-0.9)), r.threshold(), 1e-6);
    }
  }

  @Test
  void lossIsAlphaMixOfWeakAndHardenedCrossEntropies() {
    // stepFrac 1 -> alpha = alphaMax = 0.5; hardened = 1 on i in {2, 5, 3}.
    // CE(p, y) = -(y log p1 + (1-y) log p0) with log p1 = -softplus(-d), log p0 = -softplus(d).
    int[] hardIdx = {2, 5, 3};
    double weakCe = 0;
    double hardCe = 0;
    for (int i = 0; i < 8; i++) {
      double logP1 = -Math.log1p(Math.exp(-D[i]));
      double logP0 = -Math.log1p(Math.exp(D[i]));
      boolean hard = i == hardIdx[0] || i == hardIdx[1] || i == hardIdx[2];
      weakCe -= WEAK[i] * logP1 + (1 - WEAK[i]) * logP0;
      hardCe -= hard ? logP1 : logP0;
    }
    double expected = 0.5 * weakCe / 8 + 0.5 * hardCe / 8;
    try (NDManager m = NDManager.newBaseManager()) {
      var r = new AuxConfidenceLoss(0.5, 0.1).compute(logits(m), m.create(WEAK), 1.0);
      assertEquals(expected, r.loss().getFloat(), 1e-5);
      // At stepFrac 0, alpha = 0: pure weak-label cross-entropy.
      var r0 = new AuxConfidenceLoss(0.5, 0.1).compute(logits(m), m.create(WEAK), 0.0);
      assertEquals(weakCe / 8, r0.loss().getFloat(), 1e-5);
    }
  }

  @Test
  void softWeakLabelsSetTheBalanceByTheirMean() {
    // mean of soft labels = 3.2 / 8 = 0.4 -> round(8 * 0.4) = 3 positives
    float[] soft = {0.9f, 0.1f, 0.2f, 0.6f, 0.3f, 0.4f, 0.5f, 0.2f};
    try (NDManager m = NDManager.newBaseManager()) {
      var r = new AuxConfidenceLoss(0.5, 0.1).compute(logits(m), m.create(soft), 0.5);
      assertEquals(3.0 / 8, r.hardenedPositiveFraction(), 0);
    }
  }

  @Test
  void alphaRampsSmoothlyAndMonotonically() {
    var aux = new AuxConfidenceLoss(0.5, 0.1);
    assertEquals(0.0, aux.alpha(0), 0);
    assertEquals(0.25, aux.alpha(0.05), 1e-12); // half-way through warmup: alphaMax / 2
    assertEquals(0.5, aux.alpha(0.1), 1e-12);
    assertEquals(0.5, aux.alpha(1.0), 0);
    // No jump anywhere: the cosine ramp's slope is at most alphaMax * pi / (2 * warmup) = 7.85,
    // so consecutive points 1e-4 apart differ by at most ~7.9e-4. The reference code's jump
    // from 0.05 to 0.5 at 10% would fail this.
    double h = 1e-4;
    for (int i = 0; i < 10_000; i++) {
      double a = aux.alpha(i * h);
      double b = aux.alpha((i + 1) * h);
      assertTrue(b >= a, "alpha decreased at " + i * h);
      assertTrue(b - a <= 0.5 * Math.PI / (2 * 0.1) * h + 1e-12, "alpha jumped at " + i * h);
    }
  }

  @Test
  void pgrIsTheFractionOfTheGapRecovered() {
    assertEquals(0.5, Pgr.compute(0.6, 0.7, 0.8), 1e-12);
    assertEquals(1.0, Pgr.compute(0.6, 0.8, 0.8), 1e-12);
    assertEquals(-0.5, Pgr.compute(0.6, 0.5, 0.8), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> Pgr.compute(0.7, 0.8, 0.7));
  }

  private static ai.djl.ndarray.NDArray logits(NDManager m) {
    float[] flat = new float[16];
    for (int i = 0; i < 8; i++) {
      flat[2 * i + 1] = D[i]; // class 0 logit 0, class 1 logit d
    }
    return m.create(flat, new Shape(8, 2));
  }
}
