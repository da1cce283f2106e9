package org.rlhfflow.activities.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Reward-model validation figures against values worked out by hand. */
class PreferenceMetricsTest {
  private static final double TOL = 1e-12;

  /**
   * Margins 2, 1, -1, 0. Accuracy 2/4. Both orders: positives {-1, 0, 1, 2}, negatives {-2, -1, 0,
   * 1}; each positive beats 1 + ½, 2 + ½, 3 + ½, 4 negatives: U = 11.5 of 16. Predicted positive:
   * d > 0 twice (TP), -d > 0 once (FP, d = -1): precision 2/3, recall 1/2, F1 4/7.
   */
  @Test
  void smallCaseMatchesHandComputation() {
    PreferenceMetrics m = PreferenceMetrics.of(new double[] {2, 1, -1, 0});
    assertEquals(0.5, m.accuracy(), TOL);
    assertEquals(11.5 / 16, m.auc(), TOL);
    assertEquals(2.0 / 3, m.precision(), TOL);
    assertEquals(0.5, m.recall(), TOL);
    assertEquals(4.0 / 7, m.f1(), TOL);
    // Eight rows: s(2) in bin 8 (label 1), 1-s(2) in bin 1 (label 0); bins 7 and 2 each hold s(1)
    // once with label 1 and once with label 0 (observed 1/2); d = 0 puts two 0.5s in bin 5, observed 1/2.
    double s2 = sigmoid(2);
    double s1 = sigmoid(1);
    double ece = (2 * (1 - s2) + 2 * 2 * (s1 - 0.5)) / 8;
    assertEquals(ece, m.ece(), 1e-12);
    PreferenceMetrics.Bin b7 = m.bins()[7];
    assertEquals(2, b7.count());
    assertEquals(s1, b7.confidence(), TOL);
    assertEquals(0.5, b7.observed(), TOL);
    assertEquals(8, Arrays.stream(m.bins()).mapToInt(PreferenceMetrics.Bin::count).sum());
    assertEquals(0, m.bins()[0].count());
    assertEquals(Double.NaN, m.bins()[0].confidence());
  }

  @Test
  void aPerfectlySeparatingModelHasAucOneAndAllTiesHaveAucOneHalf() {
    PreferenceMetrics good = PreferenceMetrics.of(new double[] {0.1, 3, 40});
    assertEquals(1.0, good.accuracy());
    assertEquals(1.0, good.auc());
    assertEquals(1.0, good.precision());
    assertEquals(1.0, good.f1());
    PreferenceMetrics ties = PreferenceMetrics.of(new double[] {0, 0, 0});
    assertEquals(0.5, ties.auc());
    assertEquals(0.0, ties.accuracy());
    assertEquals(0.0, ties.f1()); // no positive predictions
    assertEquals(0.0, ties.ece(), TOL); // 0.5 predicted, half of the rows are label 1
  }

  @Test
  void metricNamesAreNamespacedUnderThePrefix() {
    var names = PreferenceMetrics.of(new double[] {1, -1}).metrics("rm/heldout").keySet();
    assertEquals(java.util.List.of("rm/heldout_accuracy", "rm/heldout_auc", "rm/heldout_ece", "rm/heldout_precision",
        "rm/heldout_recall", "rm/heldout_f1", "rm/heldout_pairs"), java.util.List.copyOf(names));
  }

  @Test
  void noPairsIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> PreferenceMetrics.of(new double[0]));
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
