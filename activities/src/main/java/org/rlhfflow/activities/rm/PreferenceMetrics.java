package org.rlhfflow.activities.rm;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Validation figures of a reward model from its margins d = r(chosen) - r(rejected), one per
 * labelled pair. Accuracy reads d alone. The other figures score each pair in both orders, (d,
 * label 1) and (-d, label 0), as a binary classifier of "the first response is preferred": in one
 * order every label would be 1, and AUC, precision and calibration would be meaningless.
 *
 * <ul>
 *   <li>AUC-ROC of the score d, ties counting 1/2 (Mann-Whitney U / n⁺n⁻);
 *   <li>expected calibration error of sigmoid(d), the Bradley-Terry probability the RM is trained
 *       to output, over {@link #BINS} equal-width bins (Naeini et al. 2015; Guo et al. 2017);
 *   <li>precision, recall and F1 of "d > 0", so a tie (d = 0) is a miss in both orders.
 * </ul>
 *
 * <pre>{@code
 * PreferenceMetrics v = PreferenceMetrics.of(margins);
 * v.metrics("rm/heldout"); // rm/heldout_accuracy, rm/heldout_auc, rm/heldout_ece, ...
 * }</pre>
 *
 * @param bins reliability diagram: per bin of predicted probability, its mean prediction, the
 *     fraction of label-1 rows and the row count (both orders)
 */
record PreferenceMetrics(int pairs, double accuracy, double auc, double ece, double precision,
    double recall, double f1, Bin[] bins) {
  static final int BINS = 10;

  /** One bin of the reliability diagram; {@code confidence} and {@code observed} are NaN when empty. */
  record Bin(double lower, double upper, double confidence, double observed, int count) {}

  static PreferenceMetrics of(double[] margins) {
    int n = margins.length;
    if (n == 0) {
      throw new IllegalArgumentException("reward-model validation needs at least one pair");
    }
    int correct = 0;
    for (double d : margins) {
      correct += d > 0 ? 1 : 0; // ties count as wrong, as in BradleyTerryLoss
    }
    // Both orders: the n label-1 rows predict positive when d > 0 (true positives), the n label-0
    // rows when -d > 0, i.e. d < 0 (false positives). Recall is then the accuracy.
    int tp = correct;
    int fp = 0;
    for (double d : margins) {
      fp += d < 0 ? 1 : 0;
    }
    double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    double recall = (double) tp / n;
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    Bin[] bins = reliability(margins);
    return new PreferenceMetrics(n, (double) correct / n, auc(margins), ece(bins, 2 * n), precision, recall,
        f1, bins);
  }

  /** The figures under {@code prefix} (e.g. {@code rm/heldout}): {@code prefix_accuracy} and so on. */
  Map<String, Double> metrics(String prefix) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(prefix + "_accuracy", accuracy);
    m.put(prefix + "_auc", auc);
    m.put(prefix + "_ece", ece);
    m.put(prefix + "_precision", precision);
    m.put(prefix + "_recall", recall);
    m.put(prefix + "_f1", f1);
    m.put(prefix + "_pairs", (double) pairs);
    return m;
  }

  /**
   * P(score of a label-1 row > score of a label-0 row), ties 1/2, over both orders. Label-1 scores
   * are the margins d_i, label-0 scores their negatives -d_j: with both sorted this is one merge.
   */
  static double auc(double[] margins) {
    double[] pos = margins.clone();
    double[] neg = Arrays.stream(margins).map(d -> -d).toArray();
    Arrays.sort(pos);
    Arrays.sort(neg);
    double u = 0;
    int below = 0; // negatives strictly below the current positive
    int equal = 0; // negatives equal to it
    for (double p : pos) {
      while (below < neg.length && neg[below] < p) {
        below++;
      }
      equal = 0;
      while (below + equal < neg.length && neg[below + equal] == p) {
        equal++;
      }
      u += below + 0.5 * equal;
    }
    return u / ((double) pos.length * neg.length);
  }

  /** Sum over bins of |observed - confidence| weighted by the bin's share of the rows. */
  private static double ece(Bin[] bins, int rows) {
    double e = 0;
    for (Bin b : bins) {
      if (b.count() > 0) {
        e += (double) b.count() / rows * Math.abs(b.observed() - b.confidence());
      }
    }
    return e;
  }

  /** Bins of sigmoid(d) (label 1) and sigmoid(-d) = 1 - sigmoid(d) (label 0); a 1.0 goes in the last bin. */
  private static Bin[] reliability(double[] margins) {
    double[] sumP = new double[BINS];
    int[] ones = new int[BINS];
    int[] count = new int[BINS];
    for (double d : margins) {
      for (int label = 1; label >= 0; label--) {
        double p = sigmoid(label == 1 ? d : -d);
        int k = Math.min(BINS - 1, (int) Math.floor(p * BINS));
        sumP[k] += p;
        ones[k] += label;
        count[k]++;
      }
    }
    Bin[] out = new Bin[BINS];
    for (int k = 0; k < BINS; k++) {
      double conf = count[k] == 0 ? Double.NaN : sumP[k] / count[k];
      double obs = count[k] == 0 ? Double.NaN : (double) ones[k] / count[k];
      out[k] = new Bin((double) k / BINS, (double) (k + 1) / BINS, conf, obs, count[k]);
    }
    return out;
  }

  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }
}
