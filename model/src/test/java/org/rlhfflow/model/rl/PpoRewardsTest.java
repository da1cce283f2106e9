package org.rlhfflow.model.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PpoRewardsTest {
  // Row 0: response t=1..2, pad at t=3. Row 1: response t=1..3, identical to the reference.
  private static final float[][] MASK = {{0, 1, 1, 0}, {0, 1, 1, 1}};
  private static final float[][] LOGP = {{-4, -1.0f, -2.0f, -3}, {-4, -1, -1, -1}};
  private static final float[][] REF = {{-9, -1.5f, -1.0f, -9}, {-9, -1, -1, -1}};

  @Test
  void klPenaltyOnEveryResponseTokenAndScoreOnTheLast() {
    // k1 row 0 = [0, 0.5, -1, 0]; beta = 0.1 -> -beta*k1 = [0, -0.05, 0.1, 0];
    // score 2 lands on t=2, the last response token of row 0: 0.1 + 2 = 2.1.
    // Row 1 has zero KL, its score 3 lands on t=3.
    var rewards = new PpoRewards(KlEstimator.K1, 0);
    PpoRewards.Result r =
        rewards.compute(LOGP, REF, MASK, new double[] {2, 3}, new boolean[] {true, true}, 0.1);
    assertArrayEquals(new float[] {0, -0.05f, 2.1f, 0}, r.rewards()[0], 1e-6f);
    assertArrayEquals(new float[] {0, 0, 0, 3}, r.rewards()[1], 0f);
    assertArrayEquals(new double[] {-0.5, 0}, r.klSum(), 1e-7);
    assertArrayEquals(new double[] {2, 3}, r.scores(), 0);
  }

  @Test
  void missingEosPenaltyIsSubtractedOnlyFromTruncatedResponses() {
    // Row 1 did not end with EOS: its score 3 becomes 3 - 1.5 = 1.5; row 0 keeps 2.
    var rewards = new PpoRewards(KlEstimator.K1, 1.5);
    PpoRewards.Result r =
        rewards.compute(LOGP, REF, MASK, new double[] {2, 3}, new boolean[] {true, false}, 0.1);
    assertArrayEquals(new double[] {2, 1.5}, r.scores(), 0);
    assertArrayEquals(new float[] {0, 0, 0, 1.5f}, r.rewards()[1], 0f);
    assertArrayEquals(new float[] {0, -0.05f, 2.1f, 0}, r.rewards()[0], 1e-6f);
  }

  @Test
  void rowWithoutResponseTokensIsRejectedByRow() {
    float[][] mask = {{0, 1, 1, 0}, {0, 0, 0, 0}};
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PpoRewards(KlEstimator.K1, 0)
                    .compute(LOGP, REF, mask, new double[] {1, 1}, new boolean[2], 0.1));
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
  }

  @Test
  void mismatchedShapesAreNamed() {
    float[][] shortRef = {{-9, -1.5f, -1.0f}, {-9, -1, -1, -1}};
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PpoRewards(KlEstimator.K1, 0)
                    .compute(LOGP, shortRef, MASK, new double[] {1, 1}, new boolean[2], 0.1));
    assertTrue(e.getMessage().contains("refLogp row 0"), e.getMessage());
  }
}
