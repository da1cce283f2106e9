package org.rlhfflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/** Seeded token batches for tests. */
final class TestData {
  private TestData() {}

  /** (B, T) random ids in [0, vocab) from a seeded stream. */
  static long[][] ids(int b, int t, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[][] out = new long[b][t];
    for (long[] row : out) {
      for (int i = 0; i < t; i++) {
        row[i] = r.nextInt(vocab);
      }
    }
    return out;
  }

  static NDArray ids(NDManager m, long[][] ids) {
    long[] flat = new long[ids.length * ids[0].length];
    for (int b = 0; b < ids.length; b++) {
      System.arraycopy(ids[b], 0, flat, b * ids[0].length, ids[0].length);
    }
    return m.create(flat, new Shape(ids.length, ids[0].length));
  }

  /** Mask (B, T) with leftPad[b] leading zeros per row. */
  static NDArray leftPadMask(NDManager m, int t, int... leftPad) {
    float[] mask = new float[leftPad.length * t];
    for (int b = 0; b < leftPad.length; b++) {
      for (int i = leftPad[b]; i < t; i++) {
        mask[b * t + i] = 1;
      }
    }
    return m.create(mask, new Shape(leftPad.length, t));
  }

  static float maxAbsDiff(NDArray a, NDArray b) {
    return a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
        .sub(b.toType(ai.djl.ndarray.types.DataType.FLOAT32, false))
        .abs()
        .max()
        .getFloat();
  }
}
