package org.rlhfflow.activities.rm;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.model.ScalarHeadModel;
import org.rlhfflow.tasks.Task;
import org.rlhfflow.tasks.assistant.AssistantTask;

/**
 * Held-out agreement of the trained reward model: with the held-out labels ({@code
 * rm/heldout_accuracy}, AUC, calibration, precision/recall/F1: see {@link PreferenceMetrics}) and, for simulated preferences on a built-in task, with the hidden
 * oracle on pairs whose oracle scores differ ({@code rm/heldout_oracle_accuracy}). The second is
 * the one that matters: labels are noisy, the oracle is what PPO will be judged by.
 */
final class HeldoutEval {
  private static final int BATCH = 32;

  private HeldoutEval() {}

  /**
   * The held-out figures and the validation they come from (null when there are no held-out
   * pairs, and then the metrics are empty).
   */
  record Result(Map<String, Double> metrics, PreferenceMetrics validation) {}

  /** Empty when there are no held-out pairs; {@code oracle} may be null. */
  static Result evaluate(ScalarHeadModel rm, PairBatches heldout, Task oracle) {
    return evaluate(rm, heldout, oracle, "rm/heldout", null);
  }

  /**
   * As {@link #evaluate(ScalarHeadModel, PairBatches, Task)} for any split, its metrics named
   * {@code <prefix>_accuracy} and so on ({@code rm/test} for the separate test split). With
   * {@code axes} (the assistant world, whatever labelled the pairs) also {@link AxisAccuracy}'s
   * per-axis and per-source figures.
   */
  static Result evaluate(ScalarHeadModel rm, PairBatches heldout, Task oracle, String prefix, AssistantTask axes) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (heldout.size() == 0) {
      return new Result(out, null);
    }
    double[] margins = rewardMargins(rm, heldout);
    PreferenceMetrics validation = PreferenceMetrics.of(margins);
    out.putAll(validation.metrics(prefix));
    int oracleDecided = 0;
    int oracleAgree = 0;
    for (int i = 0; i < margins.length && oracle != null; i++) {
      PreferencePair p = heldout.pair(i);
      double gap = oracle.oracleScore(p.prompt(), p.chosen()) - oracle.oracleScore(p.prompt(), p.rejected());
      if (gap != 0) {
        oracleDecided++;
        oracleAgree += Math.signum(gap) == Math.signum(margins[i]) ? 1 : 0;
      }
    }
    if (oracle != null && oracleDecided > 0) {
      out.put(prefix + "_oracle_accuracy", (double) oracleAgree / oracleDecided);
      out.put(prefix + "_oracle_pairs", (double) oracleDecided);
    }
    if (axes != null) {
      out.putAll(AxisAccuracy.of(axes, heldout.pairs(), margins, prefix));
    }
    return new Result(out, validation);
  }

  /** r(chosen) - r(rejected) per held-out pair, without building a graph. */
  static double[] rewardMargins(ScalarHeadModel rm, PairBatches pairs) {
    double[] out = new double[pairs.size()];
    try (NoGrad ng = NoGrad.enter()) {
      for (int start = 0; start < pairs.size(); start += BATCH) {
        int n = Math.min(BATCH, pairs.size() - start);
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
          rows[i] = start + i;
        }
        try (NDManager m = rm.manager().newSubManager()) {
          PairBatches.Rewards r = pairs.rewards(rm, rows, m);
          float[] d = r.chosen().sub(r.rejected()).toFloatArray();
          for (int i = 0; i < n; i++) {
            out[start + i] = d[i];
          }
        }
      }
    }
    return out;
  }
}
