package org.rlhfflow.model.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KlPenaltyTest {
  private static final float[][] LOGP = {{-0.3f, -1.0f, -2.0f, -0.7f, -5f}};
  private static final float[][] REF = {{-9.0f, -1.5f, -1.0f, -0.7f, -1f}};
  private static final float[][] MASK = {{0, 1, 1, 1, 0}};

  @Test
  void k1IsLogRatioOnMaskedTokens() {
    // k1 = logp - refLogp: t1: -1 - (-1.5) = 0.5, t2: -2 - (-1) = -1, t3: 0; t0, t4 masked.
    float[][] kl = KlPenalty.perToken(LOGP, REF, MASK, KlEstimator.K1);
    assertArrayEquals(new float[] {0, 0.5f, -1.0f, 0, 0}, kl[0], 1e-7f);
  }

  @Test
  void k3MatchesSchulmanFormula() {
    // k3 = (r - 1) - log r, r = exp(ref - logp):
    // t1: log r = -0.5, r = 0.6065306597, k3 = -0.3934693403 + 0.5 = 0.1065306597
    // t2: log r = 1, r = e = 2.7182818285, k3 = 1.7182818285 - 1 = 0.7182818285
    // t3: r = 1, k3 = 0
    float[][] kl = KlPenalty.perToken(LOGP, REF, MASK, KlEstimator.K3);
    assertArrayEquals(new float[] {0, 0.10653066f, 0.71828183f, 0, 0}, kl[0], 1e-6f);
  }

  @Test
  void k3IsNonNegativeAndTracksHalfSquaredLogRatioNearZero() {
    // For small d = logp - ref, k3 = e^-d - 1 + d = d^2/2 - d^3/6 + d^4/24 - ...
    for (double d = -3; d <= 3; d += 0.25) {
      assertTrue(KlEstimator.K3.of(d, 0) >= 0, "k3 < 0 at d=" + d);
    }
    double d = 1e-3;
    assertEquals(d * d / 2 - d * d * d / 6 + d * d * d * d / 24, KlEstimator.K3.of(d, 0), 1e-17);
  }
}
