package org.rlhfflow.model.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
  private static final float[] PROBS = {0.2f, 0.5f, 0.3f}; // sorted: 1 (0.5), 2 (0.3), 0 (0.2)

  @Test
  void topKOneIsGreedyAndArgmaxBreaksTiesLow() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 100; i++) {
      assertEquals(1, Sampler.sample(PROBS, 0, 3, 1, 1.0, r));
    }
    assertEquals(0, Sampler.argmax(new float[] {3f, 3f, 1f}, 0, 3));
  }

  @Test
  void frequenciesFollowTheTruncatedRenormalisedDistribution() {
    // top-p 0.7 keeps {1, 2} (0.5 < 0.7 <= 0.8): renormalised 0.625 / 0.375, token 0 never.
    int[] counts = counts(0, 0.7);
    assertEquals(0, counts[0]);
    assertEquals(0.625, counts[1] / 20000.0, 0.015);
    // No truncation: the raw probabilities.
    counts = counts(0, 1.0);
    assertEquals(0.2, counts[0] / 20000.0, 0.015);
    assertEquals(0.5, counts[1] / 20000.0, 0.015);
    // top-k 2 then top-p 0.5: within {1, 2}, token 1 alone has 0.625 >= 0.5 of the mass.
    counts = counts(2, 0.5);
    assertEquals(20000, counts[1]);
  }

  private static int[] counts(int topK, double topP) {
    SplittableRandom r = new SplittableRandom(42);
    int[] counts = new int[3];
    for (int i = 0; i < 20000; i++) {
      counts[Sampler.sample(PROBS, 0, 3, topK, topP, r)]++;
    }
    return counts;
  }
}
