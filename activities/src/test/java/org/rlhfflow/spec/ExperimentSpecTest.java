package org.rlhfflow.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentSpecTest {

  private static ExperimentSpec parse(String yaml) {
    return SpecLoader.parse(yaml, "t.yaml");
  }

  @Test
  void canonicalJsonHasSortedKeysAndEveryDefault() throws Exception {
    JsonNode tree = new ObjectMapper().readTree(ExperimentSpec.named("x").canonicalJson());
    List<String> keys = new ArrayList<>();
    tree.fieldNames().forEachRemaining(keys::add);
    assertEquals(keys.stream().sorted().toList(), keys);
    assertEquals(0.05, tree.at("/ppo/kl_coef").asDouble());
    assertEquals("tiny", tree.at("/model/preset").asText());
    assertTrue(tree.at("/ppo/missing_eos_penalty").isNull());
    assertEquals(8080, tree.at("/preferences/human/ui_port").asInt());
  }

  @Test
  void formattingOrderAndExplicitDefaultsDoNotChangeTheHash() {
    ExperimentSpec a = parse("name: x\nppo:\n  kl_coef: 0.1\n  cliprange: 0.2\nseed: 3\n");
    ExperimentSpec b = parse("# a comment\nseed: 3\nppo: {cliprange: 0.2, kl_coef: 1e-1}\nname: x\nsft: {}\n");
    assertEquals(a.canonicalJson(), b.canonicalJson());
    assertEquals(a.sha256(), b.sha256());
  }

  @Test
  void anyChangedValueChangesTheHash() {
    String base = ExperimentSpec.named("x").sha256();
    assertNotEquals(base, parse("name: x\nppo:\n  kl_coef: 0.051\n").sha256());
    assertNotEquals(base, parse("name: x\nseed: 1\n").sha256());
    assertNotEquals(base, parse("name: y\n").sha256());
    assertNotEquals(base, parse("name: x\npreferences:\n  ai:\n    constitution: c.md\n").sha256());
    assertEquals(base, parse("name: x\n").sha256());
  }

  @Test
  void sha256IsTheDigestOfTheCanonicalJson() throws Exception {
    ExperimentSpec spec = ExperimentSpec.named("x");
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(spec.canonicalJson().getBytes(StandardCharsets.UTF_8));
    assertEquals(HexFormat.of().formatHex(digest), spec.sha256());
  }

  @Test
  void flattenGivesDottedKeysAndLeavesOutUnsetValues() {
    Map<String, String> params = parse("name: x\nppo:\n  missing_eos_penalty: 1.5\n").flatten();
    assertEquals("x", params.get("name"));
    assertEquals("0", params.get("seed"));
    assertEquals("0.05", params.get("ppo.kl_coef"));
    assertEquals("1.5", params.get("ppo.missing_eos_penalty"));
    assertEquals("tiny", params.get("model.preset"));
    assertEquals("8080", params.get("preferences.human.ui_port"));
    assertEquals("5.0", params.get("resources.heartbeat_timeout_s"));
    assertFalse(params.containsKey("model.hf_checkpoint"));
    assertFalse(params.containsKey("description"));
    // 122 leaf keys (5 + 5 + 5 + 3 + 7+7+2 + 8 + 10 + 25 + 11 + 15 + 12 + 1 + 4 + 2) minus 11 unset by
    // default (grpo.epsilon_high and preferences.human.guidelines among them), plus the penalty set here,
    // plus w2s's 19 keys minus its 3 unset by default (bootstrap, dataset, preference_dataset), plus
    // preferences.ai's 9 new keys and pretrain's 9, all set by default (ai.judge_checkpoint, unset, is gone).
    // w2s.linear_probe and w2s.pretrain's 5 keys, all set by default.
    assertEquals(112 + 16 + 19 + 1 + 1 + 6, params.size()); // + rounds, pretrain.revision_documents
    assertEquals("evaluate", params.get("until"));
  }

  @Test
  void stageJsonChangesOnlyWithItsSection() {
    ExperimentSpec base = ExperimentSpec.named("x");
    ExperimentSpec sftChanged = parse("name: x\nsft:\n  epochs: 9\n");
    assertEquals(base.stageJson("ppo"), sftChanged.stageJson("ppo"));
    assertNotEquals(base.stageJson("sft"), sftChanged.stageJson("sft"));
    assertTrue(base.stageJson("reward_model").startsWith("{\"batch_size\":32,"), base.stageJson("reward_model"));
    assertEquals("\"simulated\"", base.stageJson("preferences.source")); // a stage may read single keys
    assertThrows(IllegalArgumentException.class, () -> base.stageJson("rm"));
    assertThrows(IllegalArgumentException.class, () -> base.stageJson("preferences.sauce"));
  }

  @Test
  void derivedValuesAreComputedNotConfigured() {
    ExperimentSpec spec = ExperimentSpec.named("x");
    // 64 episodes / 16 per minibatch = 4 minibatches, x 4 PPO epochs = 16 steps, x 60 iterations.
    assertEquals(4, spec.ppo().minibatchesPerBatch());
    assertEquals(16, spec.ppo().optimizerStepsPerIteration());
    assertEquals(960L, spec.ppo().totalOptimizerSteps());
    assertEquals(3840L, spec.ppo().totalEpisodes());
    // 512 prompts x 1 demo = 512 examples; ceil(512 / 32) = 16 steps per epoch, x 4 epochs.
    assertEquals(64, spec.sft().totalSteps(spec.task().sftExamples()));
    // 256 prompts x C(4, 2) = 1536 pairs; floor(153.6) = 153 held out; ceil(1383 / 32) = 44, x 2 epochs.
    assertEquals(1536, spec.preferences().totalPairs());
    assertEquals(153, spec.rewardModel().heldoutPairs(1536));
    assertEquals(88, spec.rewardModel().totalSteps(1536));
  }

  @Test
  void everyFieldIsDocumentedAndEveryDefaultIsInItsRange() {
    checkSection(ExperimentSpec.class, ExperimentSpec.DEFAULT);
  }

  private static void checkSection(Class<? extends Record> type, Record defaults) {
    assertNotNull(type.getAnnotation(Doc.class), type + " has no section @Doc");
    for (RecordComponent c : type.getRecordComponents()) {
      Object v = SpecTree.value(defaults, c);
      if (c.getType().isRecord()) {
        Record sectionDefaults = SpecBinder.defaults(c.getType().asSubclass(Record.class));
        boolean optional = c.getAnnotation(Doc.class) != null && c.getAnnotation(Doc.class).optional();
        assertEquals(optional ? null : sectionDefaults, v, c.toString()); // an optional section is absent
        checkSection(c.getType().asSubclass(Record.class), sectionDefaults);
        continue;
      }
      Doc doc = c.getAnnotation(Doc.class);
      assertNotNull(doc, c + " has no @Doc");
      Range range = Range.parse(doc.range());
      if (range != null && v != null) {
        assertTrue(range.contains(((Number) v).doubleValue()), c + " default " + v + " outside " + range.text());
      }
    }
  }
}
