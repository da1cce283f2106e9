package org.rlhfflow.activities.pipeline;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.PipelineActivities.FinishInput;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.spec.SpecLoader;

/**
 * The figures of summary.json, gathered from the stages' final metrics. Keys are stable: tools and
 * tests read them. Figures a pipeline did not produce (no PPO, no oracle) are null.
 */
final class SummaryFigures {
  private SummaryFigures() {}

  static Map<String, Object> of(FinishInput in) {
    Map<String, Double> m = new HashMap<>();
    in.stages().values().forEach(r -> m.putAll(r.metrics()));
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("experiment", in.ctx().experiment());
    f.put("seed", SpecLoader.parse(in.ctx().specJson(), "resolved spec").seed());
    f.put("status", in.status());
    f.put("oracle_score", pair("sft", m.get("eval/oracle_score_sft"), "ppo", m.get("eval/oracle_score_ppo")));
    f.put("rm_score", pair("sft", m.get("eval/rm_score_sft"), "ppo", m.get("eval/rm_score_ppo")));
    f.put("kl_to_ref", pair("ppo", m.get("eval/kl_to_ref_ppo"), null, null));
    f.put("ppo_vs_sft_win_rate", m.get("eval/ppo_vs_sft_win_rate"));
    // Agreement with the oracle where there is one (built-in tasks), else with the held-out labels.
    f.put("rm_heldout_accuracy", m.getOrDefault("rm/heldout_oracle_accuracy", m.get("rm/heldout_accuracy")));
    if (m.containsKey("collect/ai/comparisons")) {
      Map<String, Double> ai = new LinkedHashMap<>();
      ai.put("judge_oracle_agreement", m.get("collect/ai/judge_oracle_agreement"));
      ai.put("position_bias_rate", m.get("collect/ai/position_bias_rate"));
      ai.put("comparisons", m.get("collect/ai/comparisons"));
      f.put("ai_feedback", ai);
    }
    if (m.containsKey("eval/harmless_ppo")) {
      f.put("harmless", pair("sft", m.get("eval/harmless_sft"), "ppo", m.get("eval/harmless_ppo")));
      f.put("helpfulness", pair("sft", m.get("eval/helpfulness_sft"), "ppo", m.get("eval/helpfulness_ppo")));
    }
    Map<String, Double> walls = new LinkedHashMap<>();
    in.stages().forEach((name, r) -> walls.put(name, r.wallSeconds()));
    f.put("stage_wall_s", walls);
    f.put("wall_s", in.wallSeconds());
    f.put("reused_stages", in.stages().values().stream().filter(StageResult::reused).map(StageResult::stage).toList());
    f.put("spec_sha256", in.ctx().specSha256());
    f.put("workflow_id", in.ctx().workflowId());
    if (in.failedStage() != null) {
      f.put("failed_stage", in.failedStage());
      f.put("failure", in.message());
    }
    return f;
  }

  private static Map<String, Double> pair(String k1, Double v1, String k2, Double v2) {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put(k1, v1);
    if (k2 != null) {
      p.put(k2, v2);
    }
    return p;
  }

  /** Numeric figures flattened to metric names, e.g. {@code summary/oracle_score/ppo}. */
  static Map<String, Double> numeric(Map<String, Object> figures) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : figures.entrySet()) {
      if (List.of("seed").contains(e.getKey())) {
        continue;
      }
      if (e.getValue() instanceof Number n) {
        out.put("summary/" + e.getKey(), n.doubleValue());
      } else if (e.getValue() instanceof Map<?, ?> sub) {
        sub.forEach((k, v) -> {
          if (v instanceof Number n) {
            out.put("summary/" + e.getKey() + "/" + k, n.doubleValue());
          }
        });
      }
    }
    return out;
  }
}
