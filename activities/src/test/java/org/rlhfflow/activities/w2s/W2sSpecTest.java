package org.rlhfflow.activities.w2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;

/** w2s.models: a model's own learning rate overrides the 1/width rule; the others keep the rule. */
class W2sSpecTest {
  private static W2sSpec w2s(String section) {
    ExperimentSpec spec = SpecLoader.parse("name: x\nmethod: weak_to_strong\nw2s:\n" + section, "t.yaml");
    return spec.w2s();
  }

  @Test
  void aModelsLearningRateOverridesTheWidthRule() {
    W2sSpec w = w2s("  learning_rate: 2.0e-3\n  models: {tiny: {learning_rate: 5.0e-4}}\n");
    assertEquals(5e-4, w.learningRateFor("tiny", 192));
    assertEquals(2e-3 * 64 / 128, w.learningRateFor("micro", 128)); // not listed: 1/width
    assertEquals(2e-3, w2s("  learning_rate: 2.0e-3\n  models: {tiny: {}}\n").learningRateFor("tiny", 64));
  }

  @Test
  void badOverridesNameTheirKey() {
    SpecException typo = assertThrows(SpecException.class, () -> w2s("  models: {tiny: {lr: 1.0e-3}}\n"));
    assertTrue(typo.getMessage().contains("w2s.models.tiny.lr: unknown key"), typo.getMessage());
    SpecException range = assertThrows(SpecException.class, () -> w2s("  models: {tiny: {learning_rate: 2}}\n"));
    assertTrue(range.getMessage().contains("w2s.models.tiny.learning_rate"), range.getMessage());
  }

  @Test
  void pretrainingIsOffByDefaultAndTakesItsDefaultsPerKey() {
    assertEquals(false, w2s("  task: weighted\n").pretrain().on());
    W2sSpec.Pretrain p = w2s("  task: weighted\n  pretrain: {epochs: 2}\n").pretrain();
    assertTrue(p.on());
    assertEquals(W2sSpec.Pretrain.DEFAULT.documents(), p.documents());
    assertEquals(2 * ((p.documents() + p.batchSize() - 1) / p.batchSize()), p.steps());
    assertEquals(3e-3 * 64 / 192, p.forWidth(192).learningRate(), 1e-12);
  }

  @Test
  void pretrainingNeedsTheBuiltInCorpus() {
    SpecException e = assertThrows(SpecException.class,
        () -> w2s("  dataset: data.jsonl\n  pretrain: {epochs: 1}\n"));
    assertTrue(e.getMessage().contains("w2s.pretrain") && e.getMessage().contains("built-in task"), e.getMessage());
  }
}
