package org.rlhfflow.model.rl;

/** Shape checks for the (B,T) float[][] tensors that rollout-side math works on. */
final class Rows {
  private Rows() {}

  /** Throws if {@code x} is not the same (B,T) shape as {@code ref}, naming both and the row. */
  static void requireSameShape(String refName, float[][] ref, String name, float[][] x) {
    if (x.length != ref.length) {
      throw new IllegalArgumentException(
          name + " has " + x.length + " rows but " + refName + " has " + ref.length);
    }
    for (int b = 0; b < ref.length; b++) {
      if (x[b].length != ref[b].length) {
        throw new IllegalArgumentException(
            name + " row " + b + " has length " + x[b].length + " but " + refName
                + " row " + b + " has length " + ref[b].length);
      }
    }
  }

  /** Index of the last masked token of row {@code b}, or -1 if the row has none. */
  static int lastMasked(float[][] mask, int b) {
    for (int t = mask[b].length - 1; t >= 0; t--) {
      if (mask[b][t] != 0f) {
        return t;
      }
    }
    return -1;
  }

  static float[][] zerosLike(float[][] x) {
    float[][] out = new float[x.length][];
    for (int b = 0; b < x.length; b++) {
      out[b] = new float[x[b].length];
    }
    return out;
  }
}
