package org.rlhfflow.activities.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageFailures;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.StageFixtures;
import org.rlhfflow.activities.evaluate.EvaluateInput;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Json;

class EvaluateActivitiesImplTest {
  private static final int PROMPTS = 6;
  private static final String SPEC = "name: eval-test\nseed: 5\n"
      + "model:\n  preset: nano\n"
      + "evaluation:\n  prompts: " + PROMPTS + "\n  samples_per_prompt: 2\n  temperature: 1.0\n"
      + "  max_new_tokens: 8\n";
  private static final String CURVE = "{\"iteration\": [0, 1, 2, 3], \"rm_score\": [-0.2, 0.1, 0.4, 0.9],"
      + " \"oracle_score\": [0.30, 0.45, 0.50, 0.40], \"kl\": [0, 0.5, 1.2, 2.0]}";

  @TempDir Path tmp;

  /** Stored NANO models: a digit-writing SFT policy, a random PPO policy, a reward model; a PPO curve. */
  private record Fixture(StageServices services, ArtifactRef sft, ArtifactRef ppo, ArtifactRef rm, ArtifactRef curve) {
    static Fixture make(Path dir) throws IOException {
      StageServices s = StageFixtures.services(dir);
      ArtifactRef curve = s.store().put(Files.writeString(dir.resolve("curve.json"), CURVE));
      return new Fixture(s, StageFixtures.digitPolicy(s, dir, 1), StageFixtures.nanoPolicy(s, dir, 2),
          StageFixtures.nanoRewardModel(s, dir, 3), curve);
    }

    StageResult evaluate(String yaml, ArtifactRef ppoModel, ArtifactRef curveRef) {
      return new EvaluateActivitiesImpl(services)
          .evaluate(new EvaluateInput(StageFixtures.context(yaml), sft, ppoModel, rm, curveRef)).run();
    }
  }

  @Test
  void withoutARewardModelTheOracleAndKlNameTheMethod() throws IOException {
    Fixture f = Fixture.make(tmp);
    StageResult r = new EvaluateActivitiesImpl(f.services()).evaluate(new EvaluateInput(
        StageFixtures.context(SPEC.replace("seed: 5", "seed: 5\nmethod: dpo")), f.sft(), f.ppo(), null, null)).run();
    Map<String, Double> m = r.metrics();
    for (String key : new String[] {"eval/oracle_score_sft", "eval/oracle_score_dpo", "eval/dpo_vs_sft_win_rate"}) {
      assertTrue(m.get(key) >= 0 && m.get(key) <= 1, key + " = " + m.get(key));
    }
    assertNotEquals(0.0, m.get("eval/kl_to_ref_dpo"));
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("eval/rm_score") || k.contains("ppo")), m.toString());
    JsonNode report = Json.MAPPER.readTree(Files.readAllBytes(fetch(f.services(), r.output("report"))));
    assertTrue(report.at("/examples/0/dpo/oracle_score").isNumber());
    assertTrue(report.at("/examples/0/dpo/rm_score").isMissingNode());
  }

  @Test
  void figuresAreInRangeReportAndPlotAreWrittenAndTheStageIsCached() throws IOException {
    Fixture f = Fixture.make(tmp);
    StageResult r = f.evaluate(SPEC, f.ppo(), f.curve());
    Map<String, Double> m = r.metrics();
    for (String key : new String[] {"eval/oracle_score_sft", "eval/oracle_score_ppo", "eval/ppo_vs_sft_win_rate"}) {
      assertTrue(m.get(key) >= 0 && m.get(key) <= 1, key + " = " + m.get(key));
    }
    for (String key : new String[] {"eval/rm_score_sft", "eval/rm_score_ppo", "eval/kl_to_ref_ppo"}) {
      assertTrue(Double.isFinite(m.get(key)), key + " = " + m.get(key));
    }
    assertNotEquals(0.0, m.get("eval/kl_to_ref_ppo")); // two different policies
    assertEquals(PROMPTS, m.get("eval/prompts"));

    JsonNode report = Json.MAPPER.readTree(Files.readAllBytes(fetch(f.services(), r.output("report"))));
    assertEquals(PROMPTS, report.get("examples").size()); // fewer prompts than the 10 examples
    assertEquals(m.get("eval/rm_score_ppo"), report.at("/metrics/eval~1rm_score_ppo").asDouble());
    assertTrue(report.at("/examples/0/ppo/oracle_score").isNumber());

    Path png = fetch(f.services(), r.output("plot"));
    byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 4);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, magic);
    Files.copy(png, Path.of("target", "evaluate-test-plot.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertTrue(f.evaluate(SPEC, f.ppo(), f.curve()).reused());
  }

  @Test
  void aPolicyAgainstItselfTiesExactlyAndHasNoKl() throws IOException {
    Fixture f = Fixture.make(tmp);
    Map<String, Double> m = f.evaluate(SPEC, f.sft(), null).metrics();
    assertTrue(m.get("eval/oracle_score_sft") > 0, "the digit policy scores, so the tie is not 0 vs 0");
    assertEquals(0.5, m.get("eval/ppo_vs_sft_win_rate"));
    assertEquals(0.0, m.get("eval/kl_to_ref_ppo"));
    assertEquals(m.get("eval/oracle_score_sft"), m.get("eval/oracle_score_ppo"));
    assertEquals(m.get("eval/rm_score_sft"), m.get("eval/rm_score_ppo"));
  }

  @Test
  void sameSeedGivesTheSameReport() throws IOException {
    Fixture a = Fixture.make(Files.createDirectories(tmp.resolve("a")));
    Fixture b = Fixture.make(Files.createDirectories(tmp.resolve("b")));
    assertEquals(a.ppo().sha256(), b.ppo().sha256()); // the same initialisation stores the same bytes
    StageResult ra = a.evaluate(SPEC, a.ppo(), null);
    StageResult rb = b.evaluate(SPEC, b.ppo(), null);
    assertFalse(rb.reused());
    assertEquals(ra.output("report").sha256(), rb.output("report").sha256());
    assertFalse(ra.outputs().containsKey("plot"));
  }

  @Test
  void greedyDecodingReportsNoKl() throws IOException {
    Fixture f = Fixture.make(tmp);
    Map<String, Double> m = f.evaluate(SPEC.replace("temperature: 1.0", "temperature: 0"), f.ppo(), null).metrics();
    assertFalse(m.containsKey("eval/kl_to_ref_ppo"), "greedy decoding has no distribution to take a KL of: " + m);
    assertTrue(Double.isFinite(m.get("eval/rm_score_ppo")));
  }

  @Test
  void importedDataHasNoOracleFigures() throws IOException {
    Fixture f = Fixture.make(tmp);
    String yaml = SPEC + "preferences:\n  source: dataset\ndata:\n  preference_dataset: prefs.arrow\n";
    Map<String, Double> m = f.evaluate(yaml, f.ppo(), null).metrics();
    assertFalse(m.containsKey("eval/oracle_score_ppo"));
    assertFalse(m.containsKey("eval/ppo_vs_sft_win_rate"));
    assertTrue(Double.isFinite(m.get("eval/rm_score_ppo")));
  }

  @Test
  void aMalformedCurveFailsNamingTheField() throws IOException {
    Fixture f = Fixture.make(tmp);
    ArtifactRef bad = f.services().store().put(Files.writeString(tmp.resolve("bad.json"),
        "{\"iteration\": [0, 1], \"rm_score\": [0.5]}"));
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> f.evaluate(SPEC, f.ppo(), bad));
    assertEquals(StageFailures.VALIDATION, e.getType());
    assertTrue(e.getOriginalMessage().contains("'rm_score' has 1 values but 'iteration' has 2"), e.getOriginalMessage());
  }

  @Test
  void winRateCountsTiesAsHalf() {
    // wins, tie, loss, win: (1 + 0.5 + 0 + 1) / 4
    assertEquals(0.625, EvalReport.winRate(new double[] {1, 0.5, 0, 0.75}, new double[] {0.5, 0.5, 0.25, 0.5}));
  }

  private static Path fetch(StageServices s, ArtifactRef ref) throws IOException {
    return s.store().get(ref, s.scratch().resolve("fetched-" + ref.sha256()));
  }

  /** RL-CAI's evaluation: the SL-CAI policy scored beside the two, which keep the figures they had without it. */
  @Test
  void anSlCaiPolicyIsScoredOnTheAxesAndChangesNoOtherFigure() throws IOException {
    String yaml = SPEC.replace("seed: 5", "seed: 5\ntask:\n  name: assistant\n  train_prompts: 16\n  heldout_prompts: 8");
    StageServices s = StageFixtures.services(tmp);
    ArtifactRef sft = StageFixtures.nanoPolicy(s, tmp.resolve("a"), 1);
    ArtifactRef ppo = StageFixtures.nanoPolicy(s, tmp.resolve("b"), 2);
    ArtifactRef slCai = StageFixtures.nanoPolicy(s, tmp.resolve("c"), 3);
    Map<String, Double> two = new EvaluateActivitiesImpl(s)
        .evaluate(new EvaluateInput(StageFixtures.context(yaml), sft, ppo, null, null)).run().metrics();
    Map<String, Double> three = new EvaluateActivitiesImpl(s)
        .evaluate(new EvaluateInput(StageFixtures.context(yaml), sft, ppo, null, null, slCai)).run().metrics();
    two.forEach((k, v) -> {
      if (!k.endsWith("wall_s")) { // wall times are not figures
        assertEquals(v, three.get(k), k);
      }
    });
    assertTrue(two.containsKey("eval/harmless_ppo"), "the assistant world's axes: " + two.keySet());
    for (String axis : new String[] {"eval/harmless_sl_cai_sft", "eval/helpfulness_sl_cai_sft", "eval/oracle_score_sl_cai_sft"}) {
      assertTrue(three.get(axis) >= 0 && three.get(axis) <= 1, axis + " = " + three.get(axis));
      assertFalse(two.containsKey(axis), axis);
    }
  }
}
