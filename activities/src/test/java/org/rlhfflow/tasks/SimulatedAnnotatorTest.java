package org.rlhfflow.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulatedAnnotatorTest {
  private final DigitsTask task = new DigitsTask();

  @Test
  void zeroTemperatureRanksByOracleAndEmitsAllPairs() {
    SimulatedAnnotator a = new SimulatedAnnotator(task, 0);
    // scores: 1.0, 0.5, 0.875, 0.0
    List<String> responses = List.of("89012345", "8901", "89001234", "");
    List<SimulatedAnnotator.Judgement> pairs = a.judge("47=", responses, new SplittableRandom(0));
    assertEquals(6, pairs.size()); // K(K-1)/2
    assertEquals("89012345", pairs.get(0).chosen());
    assertEquals("89001234", pairs.get(0).rejected());
    assertEquals(0.125, pairs.get(0).margin(), 1e-12);
    assertTrue(pairs.stream().allMatch(j -> task.oracleScore("47=", j.chosen())
        >= task.oracleScore("47=", j.rejected())));
  }

  @Test
  void identicalResponsesMakeNoPair() {
    SimulatedAnnotator a = new SimulatedAnnotator(task, 0);
    // "89" beats each "8" once; the two "8"s are not a pair.
    assertEquals(2, a.judge("47=", List.of("8", "8", "89"), new SplittableRandom(0)).size());
  }

  @Test
  void noisyRankingFollowsBradleyTerryOdds() {
    // Two responses 0.125 apart at T = 0.125: P(better first) = e / (1 + e) = 0.7311.
    SimulatedAnnotator a = new SimulatedAnnotator(task, 0.125);
    SplittableRandom rng = new SplittableRandom(42);
    int wins = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      if (a.rank(new double[] {1.0, 0.875}, rng)[0] == 0) {
        wins++;
      }
    }
    assertEquals(Math.E / (1 + Math.E), (double) wins / n, 0.01);
  }

  @Test
  void sameSeedSameRanking() {
    SimulatedAnnotator a = new SimulatedAnnotator(task, 0.3);
    double[] s = {0.1, 0.5, 0.4, 0.9, 0.2};
    assertArrayEquals(a.rank(s, new SplittableRandom(9)), a.rank(s, new SplittableRandom(9)));
  }
}
