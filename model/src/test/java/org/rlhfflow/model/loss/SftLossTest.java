package org.rlhfflow.model.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class SftLossTest {
  // B=2, T=3, V=3. logits[b][t] predicts token t+1.
  private static final float[][][] LOGITS = {
    {{0.1f, 2.0f, -1.0f}, {1.0f, 0.0f, 0.5f}, {9f, 9f, 9f}},
    {{-0.3f, 0.3f, 0.0f}, {2.0f, -2.0f, 1.0f}, {0f, 5f, 0f}}
  };
  private static final int[][] TOKENS = {{0, 2, 1}, {1, 0, 2}};

  @Test
  void tokenLogProbsAreShiftedByOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] lp = TokenLogProbs.gather(logits(m), tokens(m)).toFloatArray();
      // entry (b, t) = log softmax(logits[b][t-1])[tokens[b][t]], entry (b, 0) = 0
      for (int b = 0; b < 2; b++) {
        assertEquals(0f, lp[b * 3], 0f);
        for (int t = 1; t < 3; t++) {
          assertEquals(logSoftmax(LOGITS[b][t - 1], TOKENS[b][t]), lp[b * 3 + t], 1e-6);
        }
      }
    }
  }

  @Test
  void meanNllOverResponseTokensOnly() {
    // Row 0: tokens 1 and 2 are response; row 1: only token 2 (token 1 is prompt).
    // Loss = -(lp[0][1] + lp[0][2] + lp[1][2]) / 3, a mean over 3 tokens, not over rows.
    float[] mask = {0, 1, 1, 0, 0, 1};
    double expected =
        -(logSoftmax(LOGITS[0][0], 2) + logSoftmax(LOGITS[0][1], 1) + logSoftmax(LOGITS[1][1], 2))
            / 3;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray loss = SftLoss.compute(logits(m), tokens(m), m.create(mask, new Shape(2, 3)));
      assertEquals(expected, loss.getFloat(), 1e-6);
      assertArrayEquals(new long[0], loss.getShape().getShape());
    }
  }

  @Test
  void maskOnTheFirstTokenIsRejected() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray mask = m.create(new float[] {1, 1, 1, 0, 0, 1}, new Shape(2, 3));
      assertThrows(
          IllegalArgumentException.class, () -> SftLoss.compute(logits(m), tokens(m), mask));
    }
  }

  private static NDArray logits(NDManager m) {
    float[] flat = new float[18];
    int i = 0;
    for (float[][] row : LOGITS) {
      for (float[] pos : row) {
        for (float x : pos) {
          flat[i++] = x;
        }
      }
    }
    return m.create(flat, new Shape(2, 3, 3));
  }

  private static NDArray tokens(NDManager m) {
    return m.create(new int[] {0, 2, 1, 1, 0, 2}, new Shape(2, 3));
  }

  /** log softmax(z)[k] in double: z_k - log(sum exp z). */
  static double logSoftmax(float[] z, int k) {
    double sum = 0;
    for (float x : z) {
      sum += Math.exp(x);
    }
    return z[k] - Math.log(sum);
  }
}
