package org.rlhfflow.model.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The padding share counts left pads of short prompts and right pads after early ends. */
class GenerationPaddingTest {
  @Test
  void countsLeftAndRightPadding() {
    int pad = 0;
    // P = 3, N = 2: row 0 prompt 3 + response 2 (no padding), row 1 prompt 1 + response 1.
    int[][] tokens = {{5, 6, 7, 8, 9}, {pad, pad, 7, 8, pad}};
    Generation g = new Generation(tokens, 3, new int[] {3, 1}, new int[] {2, 1}, new boolean[] {false, true}, pad);
    assertEquals(10, g.gridCells());
    assertEquals(3, g.paddedCells());
    assertEquals(0.3, g.paddingWaste(), 1e-12);
  }
}
