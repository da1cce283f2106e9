package org.rlhfflow.model.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GaeTest {
  private static final float TOL = 1e-6f;

  @Test
  void matchesHandComputedAdvantagesOnRowsOfDifferentLengths() {
    // Row 0: prompt at t=0, response t=1..3, pad at t=4. Row 1: response t=3..4 only.
    // Values outside the response (9, 7, 5) must be ignored.
    float[][] mask = {{0, 1, 1, 1, 0}, {0, 0, 0, 1, 1}};
    float[][] rewards = {{0, 0.1f, -0.2f, 1.0f, 0}, {0, 0, 0, 2.0f, -1.0f}};
    float[][] values = {{9, 0.5f, 0.4f, 0.3f, 7}, {5, 5, 5, 1.0f, 0.5f}};
    // gamma = 0.9, lambda = 0.5, so gamma*lambda = 0.45. By hand, backwards, V after last = 0:
    // row 0: t3: d = 1.0 + 0 - 0.3 = 0.7, A = 0.7
    //        t2: d = -0.2 + 0.9*0.3 - 0.4 = -0.33, A = -0.33 + 0.45*0.7 = -0.015
    //        t1: d = 0.1 + 0.9*0.4 - 0.5 = -0.04, A = -0.04 + 0.45*(-0.015) = -0.04675
    // row 1: t4: d = -1 - 0.5 = -1.5, A = -1.5
    //        t3: d = 2 + 0.9*0.5 - 1 = 1.45, A = 1.45 + 0.45*(-1.5) = 0.775
    // returns = A + V.
    Gae.Result r = Gae.compute(rewards, values, mask, 0.9, 0.5);
    assertArrayEquals(new float[] {0, -0.04675f, -0.015f, 0.7f, 0}, r.advantages()[0], TOL);
    assertArrayEquals(new float[] {0, 0, 0, 0.775f, -1.5f}, r.advantages()[1], TOL);
    assertArrayEquals(new float[] {0, 0.45325f, 0.385f, 1.0f, 0}, r.returns()[0], TOL);
    assertArrayEquals(new float[] {0, 0, 0, 1.775f, -1.0f}, r.returns()[1], TOL);
  }

  @Test
  void gammaOneLambdaOneGivesRewardToGoMinusValue() {
    // With gamma = lambda = 1 the deltas telescope: A_t = sum_{k>=t} r_k - V_t.
    float[][] mask = {{1, 1, 1, 1}};
    float[][] rewards = {{0.5f, -1f, 0.25f, 2f}};
    float[][] values = {{0.1f, 0.2f, 0.3f, 0.4f}};
    Gae.Result r = Gae.compute(rewards, values, mask, 1.0, 1.0);
    double toGo = 0;
    for (int t = 3; t >= 0; t--) {
      toGo += rewards[0][t];
      assertEquals(toGo - values[0][t], r.advantages()[0][t], TOL);
      assertEquals(toGo, r.returns()[0][t], TOL);
    }
  }
}
