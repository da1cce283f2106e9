package org.rlhfflow.model.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
  @Test
  void linearWarmupThenCosineToMinRatio() {
    var s = new LrSchedule(1.0, 4, 14, 0.1);
    // warmup: (s+1)/4
    assertEquals(0.25, s.at(0), 1e-15);
    assertEquals(1.0, s.at(3), 1e-15);
    // cosine over steps 4..14: at 4 -> peak; midpoint 9 -> min + (1-min)/2 = 0.55; 14 -> min
    assertEquals(1.0, s.at(4), 1e-15);
    assertEquals(0.55, s.at(9), 1e-15);
    assertEquals(0.1, s.at(14), 1e-15);
    assertEquals(0.1, s.at(1000), 1e-15);
    // a quarter of the way: 0.1 + 0.9 * (1 + cos(pi/4)) / 2
    double q = 0.1 + 0.9 * (1 + Math.sqrt(0.5)) / 2;
    assertEquals(q, new LrSchedule(1.0, 0, 8, 0.1).at(2), 1e-15);
  }

  @Test
  void monotoneNonIncreasingAfterWarmup() {
    var s = new LrSchedule(3e-4, 10, 200, 0.0);
    for (long i = 10; i < 250; i++) {
      assertEquals(true, s.at(i + 1) <= s.at(i), "step " + i);
    }
  }
}
