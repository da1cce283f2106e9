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
    if (m.containsKey("collect/rankings")) { // preferences.source: human
      f.put("annotation", annotation(m));
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

  /** The human labels: how many, by how many people, and how much they agreed. */
  private static Map<String, Double> annotation(Map<String, Double> m) {
    Map<String, Double> a = new LinkedHashMap<>();
    a.put("items", m.get("collect/items"));
    a.put("rankings", m.get("collect/rankings"));
    a.put("pairs", m.get("collect/pairs"));
    a.put("annotators", m.get("collect/annotators"));
    a.put("krippendorff_alpha", m.get("human/krippendorff_alpha"));
    a.put("pairwise_agreement", m.get("human/agreement"));
    return a;
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
