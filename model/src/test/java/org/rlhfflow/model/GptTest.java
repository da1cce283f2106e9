package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.nn.KvCache;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

class GptTest {
  private static LanguageModel lm;

  @BeforeAll
  static void setUp() {
    Determinism.configure();
    lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 7);
  }

  @AfterAll
  static void tearDown() {
    lm.close();
  }

  @Test
  void configCountsParametersLikeTheModel() {
    long counted = 0;
    for (Shape s : lm.gpt().parameterShapes().values()) {
      counted += s.size();
    }
    assertEquals(GptConfig.NANO.numParams(), counted);
    // GPT-2 small: 124,439,808 per Hugging Face's model card / nanoGPT's printout.
    assertEquals(124_439_808L, GptConfig.GPT2_SMALL.numParams());
    // The weak-to-strong ladder's presets, as their comments state.
    assertEquals(660_992L, GptConfig.MICRO.numParams());
    assertEquals(4_870_912L, GptConfig.MINI.numParams());
    assertEquals(19_545_792L, GptConfig.SMALL.numParams());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new GptConfig(10, 8, 1, 3, 64, true, 1e-5));
    assertTrue(e.getMessage().contains("nEmbd=64") && e.getMessage().contains("nHead=3"), e.getMessage());
  }

  @Test
  void keysMirrorHuggingFaceGpt2() {
    var keys = lm.gpt().namedParameters().keySet();
    assertTrue(keys.contains("wte.weight"));
    assertTrue(keys.contains("h.1.attn.c_attn.weight"));
    assertTrue(keys.contains("h.0.mlp.c_proj.bias"));
    assertTrue(keys.contains("ln_f.bias"));
    assertEquals(new Shape(3 * 64, 64), lm.gpt().parameterShapes().get("h.0.attn.c_attn.weight"));
    assertEquals(new java.util.ArrayList<>(keys), lm.parameters().keys()); // DJL's view uses the same keys
  }

  @Test
  void leftPaddingDoesNotChangeRealTokenLogits() {
    try (NDManager m = lm.manager().newSubManager()) {
      long[][] row = TestData.ids(1, 10, 256, 1);
      long[][] padded = new long[1][13];
      System.arraycopy(row[0], 0, padded[0], 3, 10);
      padded[0][0] = padded[0][1] = padded[0][2] = ByteTokenizer.PAD;
      NDArray plain = lm.logits(TestData.ids(m, row), TestData.leftPadMask(m, 10, 0));
      NDArray shifted = lm.logits(TestData.ids(m, padded), TestData.leftPadMask(m, 13, 3));
      float diff = TestData.maxAbsDiff(plain, shifted.get(":, 3:, :"));
      assertTrue(diff < 1e-5, "max abs diff " + diff);
    }
  }

  @Test
  void kvCacheMatchesFullForwardWithLeftPadding() {
    int t = 12;
    int prefix = 5;
    try (NoGrad ng = NoGrad.enter();
        NDManager m = lm.manager().newSubManager();
        KvCache cache = new KvCache(m, GptConfig.NANO.nLayer(), t)) {
      NDArray ids = TestData.ids(m, TestData.ids(3, t, 256, 2));
      NDArray mask = TestData.leftPadMask(m, t, 0, 2, 4);
      NDArray full = lm.logits(ids, mask); // (B, T, V)
      NDArray pos = Gpt.positions(mask);
      Decoder gpt = lm.decoder();
      NDArray first = gpt.logits(gpt.hidden(
          ids.get(":, :" + prefix), pos.get(":, :" + prefix), mask.get(":, :" + prefix), cache));
      float worst = TestData.maxAbsDiff(first.get(":, -1, :"), full.get(":, " + (prefix - 1) + ", :"));
      for (int i = prefix; i < t; i++) {
        String col = ":, " + i + ":" + (i + 1);
        NDArray step = gpt.logits(gpt.hidden(ids.get(col), pos.get(col), mask.get(":, :" + (i + 1)), cache));
        worst = Math.max(worst, TestData.maxAbsDiff(step.squeeze(1), full.get(":, " + i + ", :")));
      }
      assertTrue(worst < 1e-4, "max abs logit diff " + worst);
      assertEquals(t, cache.length());
      IllegalStateException full2 = assertThrows(IllegalStateException.class,
          () -> gpt.hidden(ids.get(":, :1"), pos.get(":, :1"), mask.get(":, :1"), cache));
      assertTrue(full2.getMessage().contains("capacity " + t), full2.getMessage());
    }
  }

  @Test
  void djlBlockForwardGivesLogitsAndHidden() {
    try (NDManager m = lm.manager().newSubManager()) {
      NDArray ids = TestData.ids(m, TestData.ids(2, 5, 256, 8));
      NDArray mask = TestData.leftPadMask(m, 5, 0, 1);
      ai.djl.ndarray.NDList out =
          ((Gpt) lm.decoder()).forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(ids, mask), false);
      assertEquals(new Shape(2, 5, 259), out.get(0).getShape());
      assertEquals(new Shape(2, 5, 64), out.get(1).getShape());
      assertEquals(0f, TestData.maxAbsDiff(out.get(0), lm.logits(ids, mask)), 0f);
    }
  }

  @Test
  void forwardLeavesNothingOnTheModelManager() {
    int before = lm.manager().getManagedArrays().size();
    try (NDManager m = lm.manager().newSubManager()) {
      lm.tokenLogprobs(TestData.ids(m, TestData.ids(2, 8, 256, 3)), TestData.leftPadMask(m, 8, 0, 1));
    }
    assertEquals(before, lm.manager().getManagedArrays().size());
  }

  @Test
  void tokenLogprobsAreAlignedAndMasked() {
    try (NDManager m = lm.manager().newSubManager()) {
      long[][] raw = TestData.ids(2, 6, 256, 4);
      NDArray ids = TestData.ids(m, raw);
      NDArray mask = TestData.leftPadMask(m, 6, 0, 2);
      float[] lp = lm.tokenLogprobs(ids, mask).toFloatArray();
      NDArray logSoftmax = lm.logits(ids, mask).logSoftmax(-1);
      // [0, 3] = log p(ids[0,3] | ids[0,<3]) read from the logits at position 2.
      float expected = logSoftmax.getFloat(0, 2, raw[0][3]);
      assertEquals(expected, lp[3], 1e-6);
      assertEquals(0f, lp[0]);
      // Row 1 is left-padded by 2: positions 0-2 are unscored (pads and the first real token).
      for (int i = 6; i <= 8; i++) {
        assertEquals(0f, lp[i], 0f); // -0.0 counts as 0
      }
      assertTrue(lp[9] < 0);
    }
  }
}
