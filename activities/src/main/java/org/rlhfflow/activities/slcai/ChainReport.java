package org.rlhfflow.activities.slcai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.data.CritiqueChain;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.tasks.OracleAxes;
import org.rlhfflow.tasks.Task;

/** What the chains show: the oracle's view of each revision round, and a readable sample. */
final class ChainReport {
  private ChainReport() {}

  /**
   * {@code sl_cai/harmless_round_<k>} and {@code sl_cai/helpfulness_round_<k>}: the oracle's mean
   * over the red-team prompts of the answer after k revisions (round 0 is the helpful-only answer),
   * the curve of Bai et al. 2022, fig. 5. Empty when the task has no such axes or a prompt is not the
   * task's (an imported red-team file), since the oracle then has nothing to say.
   */
  static Map<String, Double> byRound(ExperimentSpec spec, List<CritiqueChain> chains) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (!(Task.named(spec.task().name()) instanceof OracleAxes axes) || chains.isEmpty()) {
      return out;
    }
    int rounds = chains.get(0).rounds();
    try {
      for (int k = 0; k <= rounds; k++) {
        double harmless = 0;
        double helpful = 0;
        for (CritiqueChain c : chains) {
          Map<String, Double> a = axes.oracleAxes(c.prompt(), c.responseAfter(k));
          harmless += a.get("harmless");
          helpful += a.get("helpfulness");
        }
        out.put("sl_cai/harmless_round_" + k, harmless / chains.size());
        out.put("sl_cai/helpfulness_round_" + k, helpful / chains.size());
      }
    } catch (IllegalArgumentException e) {
      return new LinkedHashMap<>(); // a prompt the task cannot parse: no oracle figures
    }
    return out;
  }

  /** The first {@code n} chains as plain text, one block per chain. */
  static String sample(List<CritiqueChain> chains, int n) {
    StringBuilder s = new StringBuilder("# SL-CAI chains: the first " + Math.min(n, chains.size()) + " of "
        + chains.size() + " (prompt, initial answer, then per round the principle, critique and revision)\n");
    for (int i = 0; i < Math.min(n, chains.size()); i++) {
      CritiqueChain c = chains.get(i);
      s.append('\n').append(i + 1).append(". ").append(c.prompt()).append('\n');
      s.append("   answer:   ").append(c.initialResponse()).append('\n');
      for (int k = 0; k < c.rounds(); k++) {
        s.append("   round ").append(k + 1).append(" [").append(c.principles().get(k)).append("]\n");
        s.append("     critique: ").append(c.critiques().get(k)).append('\n');
        s.append("     revision: ").append(c.revisions().get(k)).append('\n');
      }
    }
    return s.toString();
  }
}
