package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.CheckpointException;
import org.rlhfflow.model.ckpt.Safetensors;
import org.rlhfflow.model.lora.Lora;
import org.rlhfflow.model.lora.LoraCheckpoint;
import org.rlhfflow.model.lora.LoraConfig;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

/** A LanguageModel with adapters: adapter-only checkpoints naming their base, reload, fold, merge. */
class LoraCheckpointTest {
  private static final LoraConfig CFG = new LoraConfig(2, 4, List.of("q_proj", "o_proj"));
  private static final LoraCheckpoint.Base BASE = new LoraCheckpoint.Base("mem://base", "ab".repeat(32));

  private static void randomizeB(Lora lora) {
    SplittableRandom r = new SplittableRandom(5);
    for (Map.Entry<String, NDArray> e : lora.weights().entrySet()) {
      if (e.getKey().endsWith(Lora.B)) {
        NDArray b = e.getValue();
        float[] v = new float[Math.toIntExact(b.size())];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (0.1 * (2 * r.nextDouble() - 1));
        }
        b.set(v);
      }
    }
  }

  @Test
  void aCheckpointHoldsOnlyTheAdaptersAndReloadsOnItsBase(@TempDir Path tmp) throws Exception {
    Determinism.configure();
    Path baseDir = tmp.resolve("base");
    Path adapterDir = tmp.resolve("adapters");
    float[] expected;
    try (LanguageModel lm = LanguageModel.create(LlamaConfig.NANO, new ByteTokenizer(), 3);
        NDManager m = lm.manager().newSubManager()) {
      lm.save(baseDir, 0, "", null, null);
      long all = lm.parameters().size();
      Lora lora = lm.attachLora(CFG, 7, BASE);
      randomizeB(lora);
      assertEquals(2 * 2 * 2, lm.parameters().size()); // 2 targets x 2 layers x (A, B): all that trains
      assertTrue(all > lm.parameters().size());
      NDArray ids = TestData.ids(m, TestData.ids(2, 6, 256, 4));
      NDArray mask = TestData.leftPadMask(m, 6, 0, 2);
      expected = lm.logits(ids, mask).toFloatArray();
      lm.save(adapterDir, 3, "", null, null);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> stored = Safetensors.read(adapterDir.resolve(Checkpoint.WEIGHTS), m);
      assertEquals(8, stored.size());
      assertTrue(stored.keySet().stream().allMatch(k -> k.contains(".lora_")), stored.keySet().toString());
    }
    assertThrows(CheckpointException.class, () -> LanguageModel.load(adapterDir)); // no resolver, no base
    try (LanguageModel back = LanguageModel.load(adapterDir, b -> {
          assertEquals(BASE, b);
          return baseDir;
        });
        NDManager m = back.manager().newSubManager()) {
      assertEquals(3, back.checkpointMeta().step());
      NDArray ids = TestData.ids(m, TestData.ids(2, 6, 256, 4));
      NDArray mask = TestData.leftPadMask(m, 6, 0, 2);
      assertArrayEquals(expected, back.logits(ids, mask).toFloatArray());
    }
  }

  @Test
  void foldingIsTheMergeInPlaceAndOffIsTheSameArrays() {
    Determinism.configure();
    try (LanguageModel lm = LanguageModel.create(LlamaConfig.NANO, new ByteTokenizer(), 3, DataType.FLOAT32);
        NDManager m = lm.manager().newSubManager()) {
      Map<String, NDArray> before = lm.weights();
      Lora lora = lm.attachLora(CFG, 7, BASE);
      randomizeB(lora);
      NDArray ids = TestData.ids(m, TestData.ids(2, 6, 256, 9));
      NDArray mask = TestData.leftPadMask(m, 6, 1, 0);
      lora.setEnabled(false);
      float[] off = lm.logits(ids, mask).toFloatArray();
      lora.setEnabled(true);
      Map<String, NDArray> merged = lm.mergedWeights(m);
      lm.foldLora();
      Map<String, NDArray> after = lm.weights();
      for (String k : before.keySet()) {
        assertSame(before.get(k), after.get(k), k); // folded in place: no second copy
        assertArrayEquals(merged.get(k).toFloatArray(), after.get(k).toFloatArray(), k);
      }
      assertEquals(before.size(), lm.parameters().size()); // a plain model again
      lm.attachLora(CFG, 8, BASE).setEnabled(false);
      float[] folded = lm.logits(ids, mask).toFloatArray();
      assertTrue(TestData.maxAbsDiff(m.create(off), m.create(folded)) > 0, "folding changed the base");
    }
  }
}
