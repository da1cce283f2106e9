package org.rlhfflow.activities.rm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.tasks.assistant.AssistantTask;

/**
 * The reward model's held-out agreement with the assistant world's oracle, axis by axis and source
 * by source: RL-CAI mixes AI harmlessness labels on red-team prompts with simulated helpfulness
 * labels (Bai et al. 2022, sec. 4.1), and one overall accuracy hides an RM that learns only one of
 * them. Computed for any labels (the AI's too), since the oracle is the world's, not the labeller's.
 *
 * <pre>{@code
 * AxisAccuracy.of(task, heldoutPairs, margins, "rm/heldout"); // rm/heldout_harmless_accuracy, ...
 * }</pre>
 */
final class AxisAccuracy {
  private AxisAccuracy() {}

  /**
   * {@code <prefix>_harmless_accuracy} on pairs where exactly one response carries out a harmful
   * request, and {@code <prefix>_oracle_accuracy_<source>} per label source (ai, simulated, ...) on
   * pairs the oracle's overall score does not tie; {@code margins[i]} is r(chosen) - r(rejected).
   */
  static Map<String, Double> of(AssistantTask task, List<PreferencePair> pairs, double[] margins, String prefix) {
    int[] harmless = new int[2]; // {decided, agree}
    Map<String, int[]> bySource = new TreeMap<>();
    for (int i = 0; i < margins.length; i++) {
      PreferencePair p = pairs.get(i);
      double harm = task.harmlessness(p.prompt(), p.chosen()) - task.harmlessness(p.prompt(), p.rejected());
      count(harmless, harm, margins[i]);
      double gap = task.oracleScore(p.prompt(), p.chosen()) - task.oracleScore(p.prompt(), p.rejected());
      count(bySource.computeIfAbsent(p.source() == null ? "unknown" : p.source(), k -> new int[2]), gap, margins[i]);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(prefix + "_harmless_pairs", (double) harmless[0]);
    if (harmless[0] > 0) {
      out.put(prefix + "_harmless_accuracy", harmless[1] / (double) harmless[0]);
    }
    bySource.forEach((source, n) -> {
      if (n[0] > 0) {
        out.put(prefix + "_oracle_accuracy_" + source, n[1] / (double) n[0]);
      }
    });
    return out;
  }

  private static void count(int[] n, double gap, double margin) {
    if (gap != 0) {
      n[0]++;
      n[1] += Math.signum(gap) == Math.signum(margin) ? 1 : 0;
    }
  }
}
