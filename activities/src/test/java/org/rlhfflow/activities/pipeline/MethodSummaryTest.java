package org.rlhfflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.PipelineActivities.FinishInput;
import org.rlhfflow.activities.registry.StageRegistry;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;

/** summary.json keeps its shape with the method's name where {@code ppo} stood; stages follow the method. */
class MethodSummaryTest {
  private static ExperimentSpec spec(String yaml) {
    return SpecLoader.parse(yaml, "s.yaml");
  }

  @Test
  void stagesFollowTheMethodAndTheRewardSource() {
    assertEquals(List.of("sft", "collect", "reward_model", "ppo", "evaluate"), StageRegistry.plan(spec("name: x\n")));
    assertEquals(List.of("sft", "collect", "dpo", "evaluate"), StageRegistry.plan(spec("name: x\nmethod: dpo\n")));
    assertEquals(List.of("sft", "grpo", "evaluate"),
        StageRegistry.plan(spec("name: x\nmethod: grpo\nreward:\n  source: verifier\n")));
    assertEquals(List.of("sft", "collect", "reward_model", "rloo"),
        StageRegistry.plan(spec("name: x\nmethod: rloo\nuntil: rloo\n")));
  }

  @Test
  void summaryNamesTheMethodWherePpoStood() {
    ExperimentSpec s = spec("name: x\nmethod: dpo\n");
    StageContext ctx = new StageContext("x", "wf", "run", s.canonicalJson(), s.sha256(), List.of());
    Map<String, StageResult> stages = new LinkedHashMap<>();
    stages.put("dpo", new StageResult("dpo", Map.of(), Map.of("dpo/final_loss", 0.3), "k1", false, 10));
    stages.put("evaluate", new StageResult("evaluate", Map.of(), Map.of("eval/oracle_score_sft", 0.5,
        "eval/oracle_score_dpo", 0.8, "eval/dpo_vs_sft_win_rate", 0.9, "eval/kl_to_ref_dpo", 4.0), "k2", false, 2));
    Map<String, Object> f = SummaryFigures.of(new FinishInput(ctx, stages, 15, "FINISHED", null, null));
    assertEquals("dpo", f.get("method"));
    assertEquals(Map.of("sft", 0.5, "dpo", 0.8), f.get("oracle_score"));
    assertEquals(Map.of("dpo", 4.0), f.get("kl_to_ref"));
    assertEquals(0.9, f.get("dpo_vs_sft_win_rate"));
    assertFalse(f.containsKey("ppo_vs_sft_win_rate"));
    assertNull(((Map<?, ?>) f.get("rm_score")).get("dpo")); // no reward model: null, not a made-up number
    assertEquals(Map.of("compare/oracle_score", 0.8, "compare/oracle_score_sft", 0.5, "compare/win_rate_vs_sft", 0.9,
        "compare/kl_to_ref", 4.0, "compare/wall_s", 15.0), SummaryFigures.methodNeutral(f));
  }
}
