package org.rlhfflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.PipelineActivities.FinishInput;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecLoader;

/** summary.json's cai figures and the Figure-2-style plot drawn from them. */
class CaiSummaryTest {
  @TempDir Path tmp;

  @Test
  void caiFiguresComeFromTheEvaluationAndTheRevisionRounds() throws Exception {
    ExperimentSpec s = SpecLoader.parse("""
        name: cai
        method: sl_cai_sft
        task:
          name: assistant
        preferences:
          ai:
            constitution: c.yaml
        sl_cai:
          rounds: 2
        """, "sl-cai.yaml");
    StageContext ctx = new StageContext("cai", "wf", "run", s.canonicalJson(), s.sha256(), List.of());
    Map<String, StageResult> stages = new LinkedHashMap<>();
    stages.put("sl_cai", new StageResult("sl_cai", Map.of(), Map.of("sl_cai/harmless_round_0", 0.4,
        "sl_cai/harmless_round_1", 0.7, "sl_cai/harmless_round_2", 0.8), "k0", false, 5));
    stages.put("evaluate", new StageResult("evaluate", Map.of(), Map.of("eval/harmless_sft", 0.8,
        "eval/harmless_sl_cai_sft", 0.9, "eval/helpfulness_sft", 0.5, "eval/helpfulness_sl_cai_sft", 0.45), "k1", false, 2));
    Map<String, Object> f = SummaryFigures.of(new FinishInput(ctx, stages, 15, "FINISHED", null, null));
    Map<?, ?> cai = (Map<?, ?>) f.get("cai");
    Map<?, ?> harmless = (Map<?, ?>) cai.get("harmless_rate");
    assertEquals(0.8, harmless.get("helpful_only"));
    assertEquals(0.9, harmless.get("sl_cai"));
    assertNull(harmless.get("rl_cai"), "no RL-CAI in this pipeline: null, not a made-up number");
    assertEquals(0.45, ((Map<?, ?>) cai.get("helpfulness")).get("sl_cai"));
    assertEquals(List.of(0.4, 0.7, 0.8), cai.get("harmless_by_round"));

    Path png = SummaryFigures.tradeoffPlot(f, tmp);
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
  }

  @Test
  void anRlCaiPipelineReportsAllThreeModels() throws Exception {
    ExperimentSpec s = SpecLoader.parse("""
        name: rl-cai
        method: ppo
        task:
          name: assistant
        preferences:
          source: ai
          ai:
            constitution: c.yaml
        sl_cai:
          rounds: 1
        rl_cai:
          harmless_fraction: 0.5
        """, "cai.yaml");
    StageContext ctx = new StageContext("rl-cai", "wf", "run", s.canonicalJson(), s.sha256(), List.of());
    Map<String, StageResult> stages = new LinkedHashMap<>();
    stages.put("sl_cai", new StageResult("sl_cai", Map.of(), Map.of("sl_cai/harmless_round_0", 0.4,
        "sl_cai/harmless_round_1", 0.7), "k0", false, 5));
    stages.put("evaluate", new StageResult("evaluate", Map.of(), Map.of("eval/harmless_sft", 0.8,
        "eval/harmless_sl_cai_sft", 0.85, "eval/harmless_ppo", 0.95, "eval/helpfulness_sft", 0.5,
        "eval/helpfulness_sl_cai_sft", 0.55, "eval/helpfulness_ppo", 0.6), "k1", false, 2));
    Map<String, Object> f = SummaryFigures.of(new FinishInput(ctx, stages, 15, "FINISHED", null, null));
    Map<?, ?> cai = (Map<?, ?>) f.get("cai");
    assertEquals(Map.of("helpful_only", 0.8, "sl_cai", 0.85, "rl_cai", 0.95), cai.get("harmless_rate"));
    assertEquals(Map.of("helpful_only", 0.5, "sl_cai", 0.55, "rl_cai", 0.6), cai.get("helpfulness"));
    assertEquals(List.of(0.4, 0.7), cai.get("harmless_by_round"));
  }

  @Test
  void plainRlhfFromTheHelpfulOnlyModelIsTheFourthPoint() throws Exception {
    ExperimentSpec s = SpecLoader.parse("""
        name: rlhf-helpful
        method: ppo
        task:
          name: assistant
        preferences:
          source: ai
          ai:
            constitution: c.yaml
        rl_cai:
          harmless_fraction: 0
          policy: sft
        """, "rlhf-helpful.yaml");
    StageContext ctx = new StageContext("rlhf-helpful", "wf", "run", s.canonicalJson(), s.sha256(), List.of());
    Map<String, StageResult> stages = new LinkedHashMap<>();
    stages.put("evaluate", new StageResult("evaluate", Map.of(), Map.of("eval/harmless_sft", 0.8,
        "eval/harmless_ppo", 0.7, "eval/helpfulness_sft", 0.5, "eval/helpfulness_ppo", 0.6), "k1", false, 2));
    Map<?, ?> cai = (Map<?, ?>) SummaryFigures.of(new FinishInput(ctx, stages, 15, "FINISHED", null, null)).get("cai");
    Map<?, ?> harmless = (Map<?, ?>) cai.get("harmless_rate");
    assertEquals(0.7, harmless.get("rlhf"));
    assertNull(harmless.get("rl_cai"), "not RL-CAI: it did not start from SL-CAI");
    assertEquals(0.6, ((Map<?, ?>) cai.get("helpfulness")).get("rlhf"));
  }
}
