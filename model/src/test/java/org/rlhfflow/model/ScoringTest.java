package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Token log-probs as gather minus logsumexp, in row chunks, against values computed by hand. */
class ScoringTest {
  private static final float LN2 = (float) Math.log(2);
  private static final float LN3 = (float) Math.log(3);
  private static final float TOL = 1e-4f; // 1000 + ln 2 in float32 is off by up to 3e-5

  /**
   * Row 0: logits at t=0 give softmax (1/6, 2/6, 3/6), at t=1 (1/4, 1/4, 1/2); ids 0, 2, 1 score
   * log(3/6) at t=1 and log(1/4) at t=2. Row 1 is the same shifted by +1000 (logsumexp must not
   * overflow) and left-padded once, so its t=1 is the first real token and scores 0.
   */
  private static NDArray logits(NDManager m) {
    float[] row = {0, LN2, LN3, 0, 0, LN2, 5, 5, 5};
    float[] all = new float[18];
    for (int i = 0; i < 9; i++) {
      all[i] = row[i];
      all[9 + i] = row[i] + 1000;
    }
    return m.create(all, new Shape(2, 3, 3));
  }

  @Test
  void logprobsAndEntropiesMatchHandComputedValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray ids = m.create(new long[] {0, 2, 1, 0, 2, 1}, new Shape(2, 3));
      NDArray mask = m.create(new float[] {1, 1, 1, 0, 1, 1}, new Shape(2, 3));
      Scoring.TokenScores s = Scoring.score(logits(m), ids, mask, true);
      float half = (float) Math.log(0.5);
      float quarter = (float) Math.log(0.25);
      assertArrayEquals(new float[] {0, half, quarter, 0, 0, quarter}, s.logprobs().toFloatArray(), TOL);
      float h1 = (float) -(Math.log(1 / 6.0) / 6 + Math.log(1 / 3.0) / 3 + Math.log(0.5) / 2);
      float h2 = (float) (1.5 * Math.log(2));
      assertArrayEquals(new float[] {0, h1, h2, 0, 0, h2}, s.entropy().toFloatArray(), TOL);
    }
  }

  @Test
  void chunkedPositionsGiveTheSameValuesAsOneChunk() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray ids = m.create(new long[] {0, 2, 1, 0, 2, 1}, new Shape(2, 3));
      NDArray mask = m.ones(new Shape(2, 3));
      NDArray logits = logits(m);
      Scoring.TokenScores whole = Scoring.scoreHidden(logits, UnaryOperator.identity(), false, ids, mask, true, 4);
      Scoring.TokenScores rows = Scoring.scoreHidden(logits, UnaryOperator.identity(), false, ids, mask, true, 1);
      Scoring.TokenScores three = Scoring.scoreHidden(logits, UnaryOperator.identity(), false, ids, mask, true, 3);
      assertArrayEquals(whole.logprobs().toFloatArray(), three.logprobs().toFloatArray(), 0f);
      assertArrayEquals(whole.logprobs().toFloatArray(), rows.logprobs().toFloatArray(), 0f);
      assertArrayEquals(whole.entropy().toFloatArray(), rows.entropy().toFloatArray(), 0f);
    }
  }

  @Test
  void chunkSizeFollowsTheElementBudget() {
    assertEquals(333, Scoring.positionsPerChunk(50257)); // GPT-2 small: 333 positions, 64 MB of logits
    assertTrue(Scoring.positionsPerChunk(259) >= 64 * 32); // a demo rollout batch: one chunk
  }
}
