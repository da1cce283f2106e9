package org.rlhfflow.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rlhfflow.activities.ppo.PpoSpec;

class SpecLoaderTest {

  private static ExperimentSpec parse(String yaml) {
    return SpecLoader.parse(yaml, "t.yaml");
  }

  private static SpecException error(String yaml) {
    return assertThrows(SpecException.class, () -> parse(yaml));
  }

  @Test
  void missingKeysTakeDefaults() {
    ExperimentSpec spec = parse("name: x\n");
    assertEquals(ExperimentSpec.named("x"), spec);
    assertEquals(ModelSpec.Preset.TINY, spec.model().preset());
    assertEquals(0.05, spec.ppo().klCoef());
    assertNull(spec.resources().taskQueue()); // each stage's registry default
    assertNull(spec.ppo().missingEosPenalty());
  }

  @Test
  void setKeysOverrideOnlyThemselves() {
    ExperimentSpec spec =
        parse("name: x\nseed: 7\nppo:\n  kl_coef: 1e-2\n  kl_estimator: K3\n  missing_eos_penalty: 1\n"
            + "model:\n  preset: nano\npreferences:\n  human:\n    ui_port: 9000\n");
    assertEquals(7L, spec.seed());
    assertEquals(0.01, spec.ppo().klCoef());
    assertEquals(org.rlhfflow.model.rl.KlEstimator.K3, spec.ppo().klEstimator());
    assertEquals(1.0, spec.ppo().missingEosPenalty());
    assertEquals(ModelSpec.Preset.NANO, spec.model().preset());
    assertEquals(9000, spec.preferences().human().uiPort());
    assertEquals(PpoSpec.DEFAULT.cliprange(), spec.ppo().cliprange());
    assertEquals(HumanSpec.DEFAULT.minAnnotators(), spec.preferences().human().minAnnotators());
  }

  @Test
  void malformedYamlNamesTheParserLine() {
    SpecException e = error("name: x\nppo:\n  kl_coef: [0.1\n  cliprange: 0.2\n");
    assertEquals("t.yaml", e.file());
    // The flow sequence opened on line 3 is still open when line 4's "cliprange:" appears.
    assertEquals(4, e.line(), e.getMessage());
    assertTrue(e.getMessage().startsWith("t.yaml:4:"), e.getMessage());
    assertTrue(e.problem().startsWith("malformed YAML"), e.getMessage());
  }

  @Test
  void tabIndentationIsMalformedAtItsLine() {
    SpecException e = error("name: x\nppo:\n\tkl_coef: 0.1\n");
    assertEquals(3, e.line(), e.getMessage());
  }

  @Test
  void unknownKeySuggestsTheClosest() {
    SpecException e = error("name: x\nppo:\n  kl_cof: 0.1\n");
    assertEquals("ppo.kl_cof", e.keyPath());
    assertEquals(3, e.line());
    assertEquals(3, e.column());
    assertTrue(e.problem().contains("did you mean \"kl_coef\""), e.getMessage());
  }

  @Test
  void unknownSectionSuggestsTheClosest() {
    SpecException e = error("name: x\nreward_modle:\n  epochs: 1\n");
    assertEquals("reward_modle", e.keyPath());
    assertEquals(2, e.line());
    assertTrue(e.problem().contains("did you mean \"reward_model\""), e.getMessage());
  }

  @Test
  void unrelatedUnknownKeyGetsNoSuggestion() {
    SpecException e = error("name: x\nfoo: 1\n");
    assertTrue(e.problem().startsWith("unknown key (known keys: name, seed"), e.getMessage());
  }

  @Test
  void wrongTypeNamesTheExpectedType() {
    SpecException e = error("name: x\nsft:\n  epochs: four\n");
    assertEquals("t.yaml:3:11: sft.epochs: expected an integer, got \"four\"", e.getMessage());
  }

  @Test
  void fractionForAnIntegerIsAWrongType() {
    assertEquals("sft.batch_size", error("name: x\nsft:\n  batch_size: 3.5\n").keyPath());
  }

  @Test
  void quotedNumberIsAWrongType() {
    SpecException e = error("name: x\nppo:\n  cliprange: \"0.2\"\n");
    assertTrue(e.problem().contains("expected a number, got the quoted string"), e.getMessage());
  }

  @Test
  void yesIsNotABoolean() {
    SpecException e = error("name: x\nppo:\n  adaptive_kl: yes\n");
    assertTrue(e.problem().contains("expected a boolean (true or false)"), e.getMessage());
  }

  @Test
  void listForAScalarIsAWrongType() {
    SpecException e = error("name: x\nseed: [1, 2]\n");
    assertEquals("t.yaml:2:7: seed: expected a 64-bit integer, got a list", e.getMessage());
  }

  @Test
  void scalarForASectionIsAWrongType() {
    SpecException e = error("name: x\nppo: 3\n");
    assertEquals("ppo", e.keyPath());
    assertTrue(e.problem().contains("expected a mapping"), e.getMessage());
  }

  @Test
  void unknownEnumValueListsChoices() {
    SpecException e = error("name: x\nppo:\n  kl_estimator: k2\n");
    assertTrue(e.problem().contains("expected one of k1 | k3"), e.getMessage());
  }

  @Test
  void outOfRangeNamesTheRange() {
    SpecException e = error("name: x\nppo:\n  lam: 1.5\n");
    assertEquals("t.yaml:3:8: ppo.lam: 1.5 is out of range [0, 1]", e.getMessage());
  }

  @Test
  void openBoundIsExclusive() {
    assertEquals("sft.learning_rate", error("name: x\nsft:\n  learning_rate: 0\n").keyPath());
  }

  @Test
  void nullForARequiredValueIsRejected() {
    assertEquals("ppo.kl_coef", error("name: x\nppo:\n  kl_coef:\n").keyPath());
  }

  @Test
  void missingNameIsRequired() {
    SpecException e = error("seed: 1\n");
    assertEquals("name", e.keyPath());
    assertTrue(e.problem().contains("required key is missing"), e.getMessage());
  }

  @Test
  void emptyFileIsRejected() {
    assertEquals("name", error("# nothing\n").keyPath());
  }

  @Test
  void duplicateKeyIsRejected() {
    SpecException e = error("name: x\nseed: 1\nseed: 2\n");
    assertEquals(3, e.line());
    assertTrue(e.problem().contains("duplicate"), e.getMessage());
  }

  @Test
  void crossFieldRuleIsLocatedAtItsKey() {
    SpecException e = error("name: x\nppo:\n  rollout_batch_size: 64\n  minibatch_size: 24\n");
    assertEquals("ppo.minibatch_size", e.keyPath());
    assertEquals(4, e.line());
    assertTrue(e.problem().contains("24 does not divide rollout_batch_size 64"), e.getMessage());
  }

  @Test
  void truncatedSamplingInPpoIsRejectedWithItsReason() {
    SpecException k = error("name: x\nppo:\n  top_k: 50\n");
    assertEquals("ppo.top_k", k.keyPath());
    assertEquals(3, k.line());
    assertTrue(k.problem().contains("bias the ratio and the KL"), k.getMessage());
    SpecException p = error("name: x\nppo:\n  temperature: 1.0\n  top_p: 0.9\n");
    assertEquals("ppo.top_p", p.keyPath());
    assertEquals(4, p.line());
  }

  @Test
  void crossSectionRuleIsLocated() {
    SpecException e = error("name: x\npreferences:\n  source: dataset\n");
    assertEquals("preferences.source", e.keyPath());
    assertEquals(3, e.line());
  }

  @Test
  void crossSectionRuleFallsBackToTheRelatedKeyTheFileSets() {
    SpecException e = error("name: x\nmodel:\n  block_size: 16\n");
    assertEquals("ppo.max_new_tokens", e.keyPath());
    assertEquals(3, e.line());
    assertTrue(e.problem().contains("model.block_size 16"), e.getMessage());
  }

  @Test
  void multipleDocumentsAreMalformed() {
    assertEquals(2, error("name: x\n---\nname: y\n").line());
  }

  @Test
  void hfTokenizerNeedsACheckpoint() {
    assertEquals("model.tokenizer", error("name: x\nmodel:\n  tokenizer: hf\n").keyPath());
  }

  @Test
  void reservedSectionsAreValidated() {
    SpecException e = error("name: x\npreferences:\n  human:\n    ui_port: 70000\n");
    assertEquals("preferences.human.ui_port", e.keyPath());
  }

  @Test
  void emptySectionMeansDefaults() {
    assertEquals(PpoSpec.DEFAULT, parse("name: x\nppo:\n").ppo());
  }
}
