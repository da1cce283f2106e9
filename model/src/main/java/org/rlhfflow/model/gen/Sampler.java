package org.rlhfflow.model.gen;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token of one row from its probabilities, in Java, so engine RNG never matters:
 * top-k, then top-p truncation, renormalised, then inverse-CDF sampling with one uniform draw.
 */
final class Sampler {
  private Sampler() {}

  /** Index of the largest value; the lowest index wins ties. */
  static int argmax(float[] v, int offset, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[offset + i] > v[offset + best]) {
        best = i;
      }
    }
    return best;
  }

  /** Samples from probs[offset, offset + n) (already softmaxed at the right temperature). */
  static int sample(float[] probs, int offset, int n, int topK, double topP, SplittableRandom rng) {
    double u = rng.nextDouble();
    if (topK == 0 && topP >= 1) {
      return inverseCdf(probs, offset, n, u);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Descending probability, lowest id first on ties: a total order, so the result is stable.
    Arrays.sort(order, (a, b) -> {
      int c = Float.compare(probs[offset + b], probs[offset + a]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    int keep = topK > 0 ? Math.min(topK, n) : n;
    if (topP < 1) {
      // Nucleus over the top-k distribution renormalised, as HF chains its logits warpers.
      double threshold = topP * sumOf(probs, offset, order, keep);
      double cum = 0;
      for (int i = 0; i < keep; i++) {
        cum += probs[offset + order[i]];
        if (cum >= threshold) {
          keep = i + 1;
          break;
        }
      }
    }
    double mass = sumOf(probs, offset, order, keep);
    double target = u * mass;
    double cum = 0;
    for (int i = 0; i < keep; i++) {
      cum += probs[offset + order[i]];
      if (target < cum) {
        return order[i];
      }
    }
    return order[keep - 1];
  }

  private static double sumOf(float[] probs, int offset, Integer[] order, int keep) {
    double s = 0;
    for (int i = 0; i < keep; i++) {
      s += probs[offset + order[i]];
    }
    return s;
  }

  private static int inverseCdf(float[] probs, int offset, int n, double u) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += probs[offset + i];
    }
    double target = u * total;
    double cum = 0;
    int last = 0;
    for (int i = 0; i < n; i++) {
      if (probs[offset + i] > 0) {
        last = i;
      }
      cum += probs[offset + i];
      if (target < cum) {
        return i;
      }
    }
    return last; // rounding left target >= cum: the last token with mass
  }
}
