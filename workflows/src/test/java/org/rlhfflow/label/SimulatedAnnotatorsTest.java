package org.rlhfflow.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.human.RankingRules;

class SimulatedAnnotatorsTest {
  @Test
  void temperatureZeroRanksByTheOracleWithTies() {
    assertEquals(List.of(1, 4, 1, 3), SimulatedAnnotators.ranks(new double[] {0.9, 0.1, 0.9, 0.5}, 0,
        new SplittableRandom(1)));
  }

  /** Bradley–Terry: the better of two responses wins with probability sigmoid(gap / T). */
  @Test
  void noisyAnnotatorsPreferTheBetterResponseAtTheBradleyTerryRate() {
    SplittableRandom rng = new SplittableRandom(7);
    int wins = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      List<Integer> r = SimulatedAnnotators.ranks(new double[] {0.6, 0.4}, 0.2, rng);
      assertNull(RankingRules.problem(r, 2));
      wins += r.get(0) == 1 ? 1 : 0;
    }
    double expected = 1 / (1 + Math.exp(-0.2 / 0.2));
    assertEquals(expected, (double) wins / n, 0.015);
    assertTrue(SimulatedAnnotators.temperature(0) == 0 && SimulatedAnnotators.temperature(2) > 0);
  }
}
