package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.model.ScalarHeadModel.Kind;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

class ScalarHeadModelTest {
  @Test
  void rewardIsTheValueAtTheLastRealToken(@TempDir Path dir) throws Exception {
    Determinism.configure();
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 3);
        ScalarHeadModel rm = ScalarHeadModel.fromLanguageModel(Kind.REWARD, lm, 4);
        NDManager m = rm.manager().newSubManager()) {
      NDArray ids = TestData.ids(m, TestData.ids(2, 8, 256, 5));
      // Row 0: left pad 2; row 1: left pad 1 and right pad 3 (a generation's layout).
      NDArray mask = m.create(new float[] {0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0}, new ai.djl.ndarray.types.Shape(2, 8));
      float[] values = rm.values(ids, mask).toFloatArray();
      float[] rewards = rm.rewards(ids, mask).toFloatArray();
      assertEquals(values[7], rewards[0], 0f);
      assertEquals(values[8 + 4], rewards[1], 0f);
      // The trunk starts as a copy of the LM: same hidden states.
      float diff = TestData.maxAbsDiff(lm.gpt().hidden(ids, mask), rm.trunk().hidden(ids, mask));
      assertEquals(0f, diff, 0f);
      // ...but a copy: training the LM afterwards must not move the reward model.
      float before = rm.weights().get("wte.weight").getFloat(0, 0);
      try (NoGrad ng = NoGrad.enter()) {
        lm.weights().get("wte.weight").addi(1f);
      }
      assertEquals(before, rm.weights().get("wte.weight").getFloat(0, 0), 0f);

      rm.save(dir, 2, "h", null, null);
      try (ScalarHeadModel back = ScalarHeadModel.load(dir)) {
        assertEquals(Kind.REWARD, back.kind());
        assertArrayEquals(rewards, back.rewards(ids, mask).toFloatArray());
      }
    }
  }

  @Test
  void sharedTrunkCriticUsesThePolicyTrunk() {
    try (LanguageModel lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 3);
        ScalarHeadModel critic = ScalarHeadModel.sharingTrunk(Kind.VALUE, lm, 4)) {
      assertSame(lm.gpt(), critic.trunk());
      assertEquals(2, critic.headWeights().size());
    }
  }

  @Test
  void classifierStartsAtEvenOddsAndReadsTheLastRealToken(@TempDir Path dir) throws Exception {
    Determinism.configure();
    try (ScalarHeadModel clf = ScalarHeadModel.create(Kind.CLASSIFIER, GptConfig.NANO, new ByteTokenizer(), 4);
        NDManager m = clf.manager().newSubManager()) {
      NDArray ids = TestData.ids(m, TestData.ids(2, 8, 256, 5));
      NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, new ai.djl.ndarray.types.Shape(2, 8));
      assertArrayEquals(new float[] {0, 0, 0, 0}, clf.logits(ids, mask).toFloatArray()); // zero head
      try (NoGrad ng = NoGrad.enter()) {
        clf.weights().get("head.weight").addi(m.randomNormal(new ai.djl.ndarray.types.Shape(2, 64)));
      }
      NDArray h = clf.trunk().hidden(ids, mask); // (B, T, C)
      NDArray w = clf.weights().get("head.weight"); // (2, C)
      float[] expectedRow0 = h.get("0, 4, :").matMul(w.transpose()).toFloatArray(); // last real token of row 0
      float[] logits = clf.logits(ids, mask).toFloatArray();
      assertEquals(expectedRow0[0], logits[0], 1e-5f);
      assertEquals(expectedRow0[1], logits[1], 1e-5f);
      assertEquals(1, clf.weights().keySet().stream().filter(k -> k.startsWith("head")).count()); // no bias
      clf.save(dir, 1, "h", null, null);
      try (ScalarHeadModel back = ScalarHeadModel.load(dir)) {
        assertEquals(Kind.CLASSIFIER, back.kind());
        assertArrayEquals(logits, back.logits(ids, mask).toFloatArray());
      }
    }
  }
}
