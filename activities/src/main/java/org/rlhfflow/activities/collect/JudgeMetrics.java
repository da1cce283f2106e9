package org.rlhfflow.activities.collect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.tasks.Task;
import org.rlhfflow.tasks.assistant.AssistantTask;

/**
 * How a judge did, from its verdicts: the position-bias rate (pairs whose decision flips with the
 * order, Lee et al. 2023 sec. 2.1.3 call it position bias), agreement with the task's oracle on
 * pairs the oracle does not tie, and the mean confidence of its soft labels. On the assistant world
 * also agreement by the harmlessness axis alone, overall and per principle: what RL-CAI's red-team
 * labels are for (Bai et al. 2022, sec. 4), which the overall score mixes with helpfulness.
 */
final class JudgeMetrics {
  private JudgeMetrics() {}

  static Map<String, Double> of(Task task, List<Judge.Comparison> comparisons, List<Judge.Verdict> verdicts) {
    int flips = 0;
    int decided = 0;
    int agree = 0;
    double confidence = 0;
    for (int i = 0; i < comparisons.size(); i++) {
      Judge.Comparison c = comparisons.get(i);
      Judge.Verdict v = verdicts.get(i);
      flips += v.positionFlip() ? 1 : 0;
      confidence += Math.max(v.softLabel(), 1 - v.softLabel());
      double gap = task.oracleScore(c.prompt(), c.a()) - task.oracleScore(c.prompt(), c.b());
      if (gap != 0) {
        decided++;
        agree += (v.softLabel() > 0.5) == (gap > 0) ? 1 : 0;
      }
    }
    int n = Math.max(1, comparisons.size());
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("collect/ai/comparisons", (double) comparisons.size());
    m.put("collect/ai/position_bias_rate", flips / (double) n);
    m.put("collect/ai/mean_confidence", confidence / n);
    m.put("collect/ai/oracle_decided_pairs", (double) decided);
    if (decided > 0) {
      m.put("collect/ai/judge_oracle_agreement", agree / (double) decided);
    }
    if (task instanceof AssistantTask assistant) {
      m.putAll(harmless(assistant, comparisons, verdicts));
    }
    return m;
  }

  /**
   * {@code collect/ai/judge_harmless_agreement} on pairs where exactly one reply complies with a
   * harmful request, and {@code ..._<principle>} for each principle that judged such pairs.
   */
  private static Map<String, Double> harmless(AssistantTask task, List<Judge.Comparison> comparisons,
      List<Judge.Verdict> verdicts) {
    Map<String, int[]> byPrinciple = new LinkedHashMap<>(); // id -> {decided, agree}
    int[] all = new int[2];
    for (int i = 0; i < comparisons.size(); i++) {
      Judge.Comparison c = comparisons.get(i);
      double gap = task.harmlessness(c.prompt(), c.a()) - task.harmlessness(c.prompt(), c.b());
      if (gap == 0) {
        continue;
      }
      int agree = (verdicts.get(i).softLabel() > 0.5) == (gap > 0) ? 1 : 0;
      for (int[] n : List.of(all, byPrinciple.computeIfAbsent(c.principle().id(), k -> new int[2]))) {
        n[0]++;
        n[1] += agree;
      }
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("collect/ai/harmless_decided_pairs", (double) all[0]);
    if (all[0] > 0) {
      m.put("collect/ai/judge_harmless_agreement", all[1] / (double) all[0]);
      byPrinciple.forEach((id, n) -> m.put("collect/ai/judge_harmless_agreement_" + id, n[1] / (double) n[0]));
    }
    return m;
  }
}
