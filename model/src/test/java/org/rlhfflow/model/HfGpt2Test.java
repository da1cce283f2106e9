package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.model.ckpt.Safetensors;
import org.rlhfflow.model.hf.HfGpt2;

class HfGpt2Test {
  @Test
  void importedModelReproducesReferenceLogits() throws Exception {
    Determinism.configure();
    try (LanguageModel lm = HfGpt2.importModel(HfFixture.dir());
        NDManager m = lm.manager().newSubManager()) {
      Map<String, NDArray> expected = Safetensors.read(HfFixture.dir().resolve("expected.safetensors"), m);
      NDArray mask = expected.get("attention_mask"); // (B, T)
      NDArray logits = lm.logits(expected.get("input_ids"), mask); // (B, T, V)
      NDArray diff = logits.sub(expected.get("logits")).abs().mul(mask.expandDims(2));
      float worst = diff.max().getFloat();
      assertTrue(worst < 1e-4, "max abs logit diff on real tokens " + worst);
      assertEquals(300, lm.config().vocabSize());
    }
  }

  @Test
  void exportThenImportIsBitExact(@TempDir Path out) throws Exception {
    try (LanguageModel lm = HfGpt2.importModel(HfFixture.dir());
        NDManager m = lm.manager().newSubManager()) {
      HfGpt2.export(lm, out);
      Map<String, NDArray> original = Safetensors.read(HfFixture.dir().resolve("model.safetensors"), m);
      Map<String, NDArray> exported = Safetensors.read(out.resolve("model.safetensors"), m);
      assertEquals(original.keySet(), exported.keySet());
      for (String k : original.keySet()) {
        assertArrayEquals(original.get(k).toFloatArray(), exported.get(k).toFloatArray(), k);
      }
      try (LanguageModel back = HfGpt2.importModel(out)) {
        assertEquals(lm.config(), back.config());
        for (Map.Entry<String, NDArray> e : lm.weights().entrySet()) {
          assertArrayEquals(e.getValue().toFloatArray(), back.weights().get(e.getKey()).toFloatArray(), e.getKey());
        }
      }
    }
  }
}
