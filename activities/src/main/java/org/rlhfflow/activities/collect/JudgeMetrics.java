package org.rlhfflow.activities.collect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.tasks.Task;

/**
 * How a judge did, from its verdicts: the position-bias rate (pairs whose decision flips with the
 * order, Lee et al. 2023 sec. 2.1.3 call it position bias), agreement with the task's oracle on
 * pairs the oracle does not tie, and the mean confidence of its soft labels.
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
    return m;
  }
}
