package org.rlhfflow.activities.pipeline;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhfflow.activities.PipelineActivities.FinishInput;
import org.rlhfflow.activities.PipelineActivities.RoundFigures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;

/**
 * The figures of summary.json, gathered from the stages' final metrics. Keys are stable: tools and
 * tests read them. The trained policy is named by its method ({@code oracle_score.dpo},
 * {@code dpo_vs_sft_win_rate}). Figures a pipeline did not produce (no RM, no oracle) are null.
 */
final class SummaryFigures {
  private SummaryFigures() {}

  static Map<String, Object> of(FinishInput in) {
    Map<String, Double> m = new HashMap<>();
    in.stages().values().forEach(r -> m.putAll(r.metrics()));
    Map<String, Object> f = new LinkedHashMap<>();
    ExperimentSpec spec = SpecLoader.parse(in.ctx().specJson(), "resolved spec");
    String p = spec.method(); // the trained policy's name: ppo, dpo, grpo or rloo
    f.put("experiment", in.ctx().experiment());
    f.put("method", p);
    f.put("seed", spec.seed());
    f.put("status", in.status());
    f.put("oracle_score", pair("sft", m.get("eval/oracle_score_sft"), p, m.get("eval/oracle_score_" + p)));
    f.put("rm_score", pair("sft", m.get("eval/rm_score_sft"), p, m.get("eval/rm_score_" + p)));
    f.put("kl_to_ref", pair(p, m.get("eval/kl_to_ref_" + p), null, null));
    f.put(p + "_vs_sft_win_rate", m.get("eval/" + p + "_vs_sft_win_rate"));
    // Agreement with the oracle where there is one (built-in tasks), else with the held-out labels.
    f.put("rm_heldout_accuracy", m.getOrDefault("rm/heldout_oracle_accuracy", m.get("rm/heldout_accuracy")));
    if (m.containsKey("rm/test_accuracy")) { // data.preference_test_dataset: the same, on the test file
      f.put("rm_test_accuracy", m.getOrDefault("rm/test_oracle_accuracy", m.get("rm/test_accuracy")));
      Map<String, Double> test = new LinkedHashMap<>();
      for (String k : List.of("accuracy", "auc", "ece", "precision", "recall", "f1", "pairs")) {
        test.put(k, m.get("rm/test_" + k));
      }
      f.put("rm_test", test);
    }
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
    if (ExperimentSpec.SL_CAI.equals(p) || spec.runsRlCai()) {
      f.put("cai", cai(m, spec.slCaiOrDefault().rounds(), spec.runsRlCai() ? p : null, !spec.rlFromSlCai()));
    }
    if (m.containsKey("collect/rankings")) { // preferences.source: human
      f.put("annotation", annotation(m));
    }
    Map<String, Double> walls = new LinkedHashMap<>();
    in.stages().forEach((name, r) -> walls.put(name, r.wallSeconds()));
    if (in.rounds() != null && !in.rounds().isEmpty()) { // iterated RLHF: each round's own final metrics
      f.put("rounds", in.rounds().stream().map(SummaryFigures::round).toList());
    }
    f.put("stage_wall_s", walls);
    f.put("wall_s", in.wallSeconds());
    f.put("reused_stages", in.stages().values().stream().filter(StageResult::reused).map(StageResult::stage).toList());
    f.put("spec_sha256", in.ctx().specSha256());
    f.put("workflow_id", in.ctx().workflowId());
    // The summarising worker's engine settings (the embedded demo's for every stage); each stage
    // run's MLflow tags have its own worker's rlhf.threads and rlhf.fused_kernels.
    f.put("threads", org.rlhfflow.model.Determinism.threads());
    f.put("fused_kernels", org.rlhfflow.model.nn.FusedKernels.enabled());
    if (in.failedStage() != null) {
      f.put("failed_stage", in.failedStage());
      f.put("failure", in.message());
    }
    return f;
  }

  private static Map<String, Object> round(RoundFigures r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("round", r.round());
    out.put("oracle_score", r.oracleScore());
    out.put("rm_heldout_accuracy", r.rmHeldoutAccuracy());
    out.put("kl_to_ref", r.klToRef());
    return out;
  }

  /**
   * Constitutional AI's figures by the oracle on the held-out prompts: harmless rate and
   * helpfulness of the helpful-only model (SFT) and of SL-CAI, and the harmless rate of the
   * red-team answers after each revision round (0 = the helpful-only answer). RL-CAI's entries are
   * the tuned policy's ({@code rlCai}, the method's name, ppo) in an RL-CAI pipeline, else null.
   */
  private static Map<String, Object> cai(Map<String, Double> m, int rounds, String tuned, boolean fromSft) {
    // rl_cai.policy sft: the tuned policy is plain RLHF from the helpful-only model (the fourth point).
    String rlCai = fromSft ? null : tuned;
    Map<String, Object> cai = new LinkedHashMap<>();
    Map<String, Double> harmless = new LinkedHashMap<>();
    harmless.put("helpful_only", m.get("eval/harmless_sft"));
    harmless.put("sl_cai", m.get("eval/harmless_" + ExperimentSpec.SL_CAI));
    harmless.put("rl_cai", rlCai == null ? null : m.get("eval/harmless_" + rlCai));
    Map<String, Double> helpful = new LinkedHashMap<>();
    helpful.put("helpful_only", m.get("eval/helpfulness_sft"));
    helpful.put("sl_cai", m.get("eval/helpfulness_" + ExperimentSpec.SL_CAI));
    helpful.put("rl_cai", rlCai == null ? null : m.get("eval/helpfulness_" + rlCai));
    if (fromSft && tuned != null) {
      harmless.put("rlhf", m.get("eval/harmless_" + tuned));
      helpful.put("rlhf", m.get("eval/helpfulness_" + tuned));
    }
    cai.put("harmless_rate", harmless);
    cai.put("helpfulness", helpful);
    java.util.List<Double> byRound = new java.util.ArrayList<>();
    for (int k = 0; k <= rounds; k++) {
      byRound.add(m.get("sl_cai/harmless_round_" + k));
    }
    cai.put("harmless_by_round", byRound);
    return cai;
  }

  /** The Figure-2-style plot of the {@code cai} figures, one point per model measured; null without them. */
  @SuppressWarnings("unchecked")
  static java.nio.file.Path tradeoffPlot(Map<String, Object> figures, java.nio.file.Path dir) throws java.io.IOException {
    if (!(figures.get("cai") instanceof Map<?, ?> cai)) {
      return null;
    }
    Map<String, Double> harmless = (Map<String, Double>) cai.get("harmless_rate");
    Map<String, Double> helpful = (Map<String, Double>) cai.get("helpfulness");
    Map<String, double[]> points = new LinkedHashMap<>();
    harmless.forEach((model, h) -> {
      if (h != null && helpful.get(model) != null) {
        points.put(model, new double[] {helpful.get(model), h});
      }
    });
    return points.isEmpty() ? null : org.rlhfflow.tracking.TradeoffPlot.save(points, dir.resolve(org.rlhfflow.tracking.TradeoffPlot.PNG));
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

  /**
   * The trained policy's figures under names that do not depend on its method, so the runs of
   * {@code experiments/compare/} line up in one MLflow table: {@code compare/oracle_score},
   * {@code compare/oracle_score_sft}, {@code compare/win_rate_vs_sft}, {@code compare/kl_to_ref},
   * {@code compare/wall_s}. Figures the run did not produce are left out.
   */
  static Map<String, Double> methodNeutral(Map<String, Object> figures) {
    String p = String.valueOf(figures.get("method"));
    Map<String, Double> out = new LinkedHashMap<>();
    putIfNumber(out, "compare/oracle_score", sub(figures, "oracle_score", p));
    putIfNumber(out, "compare/oracle_score_sft", sub(figures, "oracle_score", "sft"));
    putIfNumber(out, "compare/win_rate_vs_sft", figures.get(p + "_vs_sft_win_rate"));
    putIfNumber(out, "compare/kl_to_ref", sub(figures, "kl_to_ref", p));
    putIfNumber(out, "compare/wall_s", figures.get("wall_s"));
    return out;
  }

  private static Object sub(Map<String, Object> figures, String key, String name) {
    return figures.get(key) instanceof Map<?, ?> m ? m.get(name) : null;
  }

  private static void putIfNumber(Map<String, Double> out, String key, Object v) {
    if (v instanceof Number n) {
      out.put(key, n.doubleValue());
    }
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
