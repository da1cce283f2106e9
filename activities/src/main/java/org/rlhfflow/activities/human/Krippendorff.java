package org.rlhfflow.activities.human;

import java.util.List;
import java.util.TreeMap;

/**
 * Krippendorff's alpha for ordinal data (Krippendorff 2011, "Computing Krippendorff's Alpha-
 * Reliability", sec. on ordinal metric): {@code 1 - (n - 1) * sum o_ck d_ck / sum n_c n_k d_ck} over
 * the coincidence matrix, with the ordinal distance {@code d_ck = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2}.
 * Units with fewer than two values are not pairable and are left out.
 *
 * <pre>{@code
 * double alpha = Krippendorff.ordinal(List.of(List.of(1, 1, null), List.of(2, 3, 2)));
 * }</pre>
 */
public final class Krippendorff {
  private Krippendorff() {}

  /**
   * @param units one list per unit (here: one response of one item), one value per coder, null
   *     where that coder gave none
   * @return alpha in (-inf, 1], or NaN when there is nothing to compare or no variation at all
   */
  public static double ordinal(List<List<Integer>> units) {
    TreeMap<Integer, Integer> index = new TreeMap<>();
    for (List<Integer> u : units) {
      for (Integer v : u) {
        if (v != null) {
          index.putIfAbsent(v, 0);
        }
      }
    }
    int i = 0;
    for (Integer v : index.keySet()) {
      index.put(v, i++);
    }
    int c = index.size();
    double[][] o = coincidences(units, index, c);
    double[] nc = new double[c];
    double n = 0;
    for (int a = 0; a < c; a++) {
      for (int b = 0; b < c; b++) {
        nc[a] += o[a][b];
      }
      n += nc[a];
    }
    double observed = 0;
    double expected = 0;
    for (int a = 0; a < c; a++) {
      for (int b = 0; b < c; b++) {
        double d = distance(nc, a, b);
        observed += o[a][b] * d;
        expected += nc[a] * nc[b] * d;
      }
    }
    if (n < 2 || expected == 0) {
      return Double.NaN;
    }
    return 1 - (n - 1) * observed / expected;
  }

  /** o_ck: each ordered pair of values from different coders in a unit adds 1 / (m_u - 1). */
  private static double[][] coincidences(List<List<Integer>> units, TreeMap<Integer, Integer> index, int c) {
    double[][] o = new double[c][c];
    for (List<Integer> u : units) {
      List<Integer> vs = u.stream().filter(v -> v != null).map(index::get).toList();
      int m = vs.size();
      if (m < 2) {
        continue;
      }
      for (int x = 0; x < m; x++) {
        for (int y = 0; y < m; y++) {
          if (x != y) {
            o[vs.get(x)][vs.get(y)] += 1.0 / (m - 1);
          }
        }
      }
    }
    return o;
  }

  private static double distance(double[] nc, int a, int b) {
    int lo = Math.min(a, b);
    int hi = Math.max(a, b);
    double sum = 0;
    for (int g = lo; g <= hi; g++) {
      sum += nc[g];
    }
    double d = sum - (nc[a] + nc[b]) / 2;
    return d * d;
  }
}
