package org.rlhfflow.model.rl;

/**
 * Masked whitening of a (B,T) array over all masked entries of the batch (TRL
 * {@code masked_whiten}).
 *
 * <p>(x − mean)/sqrt(var + 1e-8) with the unbiased (Bessel-corrected) masked variance, as TRL. With
 * {@code shiftMean=false} the mean is added back, which keeps the sign of the rewards (TRL whitens
 * rewards that way) while normalising their scale. Masked-out entries get 0.
 */
public final class Whiten {
  private static final double EPS = 1e-8;

  private Whiten() {}

  public static float[][] apply(float[][] x, float[][] mask, boolean shiftMean) {
    Rows.requireSameShape("x", x, "mask", mask);
    double sum = 0;
    long n = 0;
    for (int b = 0; b < x.length; b++) {
      for (int t = 0; t < x[b].length; t++) {
        if (mask[b][t] != 0f) {
          sum += x[b][t];
          n++;
        }
      }
    }
    if (n < 2) {
      throw new IllegalArgumentException("whitening needs at least 2 masked entries, got " + n);
    }
    double mean = sum / n;
    double sq = 0;
    for (int b = 0; b < x.length; b++) {
      for (int t = 0; t < x[b].length; t++) {
        if (mask[b][t] != 0f) {
          sq += (x[b][t] - mean) * (x[b][t] - mean);
        }
      }
    }
    double invStd = 1 / Math.sqrt(sq / (n - 1) + EPS);
    float[][] out = Rows.zerosLike(x);
    for (int b = 0; b < x.length; b++) {
      for (int t = 0; t < x[b].length; t++) {
        if (mask[b][t] != 0f) {
          double w = (x[b][t] - mean) * invStd;
          out[b][t] = (float) (shiftMean ? w : w + mean);
        }
      }
    }
    return out;
  }
}
