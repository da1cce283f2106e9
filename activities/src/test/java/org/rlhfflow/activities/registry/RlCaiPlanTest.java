package org.rlhfflow.activities.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.collect.CollectInput;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.evaluate.EvaluateInput;
import org.rlhfflow.activities.evaluate.EvaluateStage;
import org.rlhfflow.activities.ppo.PpoInput;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.activities.slcai.SlCaiStages;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;
import org.rlhfflow.store.ArtifactRef;

/** RL-CAI's pipeline: SL-CAI first, then collect and PPO from the SL-CAI policy. */
class RlCaiPlanTest {
  private static ExperimentSpec load(String name) {
    return SpecLoader.load(Path.of("../experiments").resolve(name));
  }

  /** A stand-in digest per label. */
  private static String hex(String label) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(label.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static StageResult done(String stage, String output, String label) {
    return new StageResult(stage, Map.of(output, new ArtifactRef("mem://" + label, hex(label), 1)), Map.of(),
        "k-" + stage, false, 1);
  }

  @Test
  void rlCaiRunsSlCaiThenCollectRewardModelAndPpo() {
    assertEquals(List.of("pretrain", "sft", "sl_cai", "sl_cai_sft", "collect", "reward_model", "ppo", "evaluate"),
        StageRegistry.plan(load("cai.yaml")));
    // rl_cai.policy sft: plain RLHF from the helpful-only model on the same mixed collect, no SL-CAI
    assertEquals(List.of("pretrain", "sft", "collect", "reward_model", "ppo", "evaluate"),
        StageRegistry.plan(load("rlhf-helpful.yaml")));
    // the pipelines without the section keep their plans
    assertEquals(List.of("pretrain", "sft", "sl_cai", "sl_cai_sft", "evaluate"), StageRegistry.plan(load("sl-cai.yaml")));
    assertEquals(List.of("pretrain", "sft", "collect", "reward_model", "ppo", "evaluate"),
        StageRegistry.plan(load("rlaif.yaml")));
  }

  @Test
  void collectAndPpoStartFromTheSlCaiPolicyAndEvaluationScoresItToo() {
    StageContext ctx = new StageContext("x", "wf", "run", "{}", "sha", List.of());
    Map<String, StageResult> results = new LinkedHashMap<>();
    results.put("pretrain", done("pretrain", "checkpoint", "base"));
    results.put(SftStage.NAME, done(SftStage.NAME, "checkpoint", "helpful-only"));
    results.put(SlCaiStages.SFT_DEF.name(), done(SlCaiStages.SFT_DEF.name(), "checkpoint", "sl-cai"));
    CollectInput collect = CollectStage.DEF.input(ctx, new Upstream(results));
    assertEquals(hex("sl-cai"), collect.policy().sha256());
    assertEquals(hex("base"), collect.pretrained().sha256());

    results.put(CollectStage.NAME, done(CollectStage.NAME, "preferences", "pairs"));
    results.put(RewardModelStage.NAME, done(RewardModelStage.NAME, "checkpoint", "rm"));
    PpoInput ppo = PpoStage.DEF.input(ctx, new Upstream(results));
    assertEquals(hex("sl-cai"), ppo.sftModel().sha256(), "PPO's initial policy and reference");
    assertEquals(hex("rm"), ppo.rewardModel().sha256());

    results.put(PpoStage.NAME, done(PpoStage.NAME, "checkpoint", "rl-cai"));
    EvaluateInput eval = EvaluateStage.DEF.input(ctx, new Upstream(results));
    assertEquals(hex("helpful-only"), eval.sftModel().sha256());
    assertEquals(hex("rl-cai"), eval.ppoModel().sha256());
    assertEquals(hex("sl-cai"), eval.slCaiModel().sha256());
  }

  @Test
  void withoutRlCaiTheInputsAreAsBefore() {
    StageContext ctx = new StageContext("x", "wf", "run", "{}", "sha", List.of());
    Map<String, StageResult> results = new LinkedHashMap<>();
    results.put(SftStage.NAME, done(SftStage.NAME, "checkpoint", "sft"));
    assertEquals(hex("sft"), CollectStage.DEF.input(ctx, new Upstream(results)).policy().sha256());
    results.put(SlCaiStages.SFT_DEF.name(), done(SlCaiStages.SFT_DEF.name(), "checkpoint", "sl-cai"));
    EvaluateInput slCaiOnly = EvaluateStage.DEF.input(ctx, new Upstream(results));
    assertEquals(hex("sl-cai"), slCaiOnly.ppoModel().sha256());
    assertNull(slCaiOnly.slCaiModel(), "SL-CAI as the method is the tuned policy, not a third one");
  }

  @Test
  void rlCaiNeedsPpoAndAiLabels() {
    String base = "name: x\npreferences:\n  source: ai\n  ai:\n    constitution: c.yaml\nrl_cai:\n  harmless_fraction: 0.5\n";
    SpecException dpo = assertThrows(SpecException.class,
        () -> SpecLoader.parse("method: dpo\n" + base, "x.yaml"));
    assertTrue(dpo.getMessage().contains("rl_cai") && dpo.getMessage().contains("method ppo"), dpo.getMessage());
    SpecException simulated = assertThrows(SpecException.class,
        () -> SpecLoader.parse("name: x\nrl_cai:\n  harmless_fraction: 0.5\n", "x.yaml"));
    assertTrue(simulated.getMessage().contains("preferences.source ai"), simulated.getMessage());
    SpecException range = assertThrows(SpecException.class,
        () -> SpecLoader.parse(base.replace("0.5", "1.5"), "x.yaml"));
    assertTrue(range.getMessage().contains("rl_cai.harmless_fraction"), range.getMessage());
  }
}
