package org.rlhfflow.model.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class WhitenTest {
  // Masked entries 1, 2, 3 (the 100 and -50 are masked out): mean 2, unbiased variance
  // ((1-2)^2 + 0 + (3-2)^2) / (3 - 1) = 1, so whitened = (x - 2) / sqrt(1 + 1e-8).
  private static final float[][] X = {{100, 1, 2}, {3, -50, 0}};
  private static final float[][] MASK = {{0, 1, 1}, {1, 0, 0}};
  private static final double S = 1 / Math.sqrt(1 + 1e-8);

  @Test
  void shiftMeanCentersAndScales() {
    float[][] w = Whiten.apply(X, MASK, true);
    assertArrayEquals(new float[] {0, (float) -S, 0}, w[0], 1e-7f);
    assertArrayEquals(new float[] {(float) S, 0, 0}, w[1], 1e-7f);
  }

  @Test
  void withoutShiftMeanTheMeanIsKept() {
    float[][] w = Whiten.apply(X, MASK, false);
    assertArrayEquals(new float[] {0, (float) (2 - S), 2}, w[0], 1e-6f);
    assertArrayEquals(new float[] {(float) (2 + S), 0, 0}, w[1], 1e-6f);
  }
}
