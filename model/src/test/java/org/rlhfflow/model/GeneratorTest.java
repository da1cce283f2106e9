package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.gen.Generation;
import org.rlhfflow.model.gen.GenerationConfig;
import org.rlhfflow.model.gen.Generator;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

class GeneratorTest {
  private static LanguageModel lm;
  private static final int[][] PROMPTS = {
    {ByteTokenizer.BOS, 'h', 'i'}, {ByteTokenizer.BOS, 'a', 'b', 'c', 'd', 'e'}, {ByteTokenizer.BOS}
  };

  @BeforeAll
  static void setUp() {
    Determinism.configure();
    lm = LanguageModel.create(GptConfig.NANO, new ByteTokenizer(), 11);
  }

  @AfterAll
  static void tearDown() {
    lm.close();
  }

  @Test
  void sameSeedSameSamplesOtherSeedOtherSamples() {
    GenerationConfig cfg = GenerationConfig.sampling(12, lm.tokenizer());
    Generator gen = new Generator(lm.gpt());
    Generation a = gen.generate(PROMPTS, cfg, 5);
    Generation b = gen.generate(PROMPTS, cfg, 5);
    Generation c = gen.generate(PROMPTS, cfg, 6);
    assertArrayEquals(a.tokens(), b.tokens());
    assertFalse(java.util.Arrays.deepEquals(a.tokens(), c.tokens()));
  }

  @Test
  void kvCacheAndFullRecomputeAgree() {
    Generator gen = new Generator(lm.gpt());
    GenerationConfig greedy = GenerationConfig.greedy(10, lm.tokenizer());
    assertArrayEquals(gen.generate(PROMPTS, greedy, 0, true).tokens(), gen.generate(PROMPTS, greedy, 0, false).tokens());
    GenerationConfig sample = GenerationConfig.sampling(10, lm.tokenizer()).withTopK(20).withTopP(0.9);
    assertArrayEquals(gen.generate(PROMPTS, sample, 3, true).tokens(), gen.generate(PROMPTS, sample, 3, false).tokens());
  }

  @Test
  void layoutIsLeftPaddedPromptThenResponseThenPad() {
    Generation g = new Generator(lm.gpt()).generate(PROMPTS, GenerationConfig.sampling(7, lm.tokenizer()), 1);
    assertEquals(6, g.promptWidth());
    for (int b = 0; b < PROMPTS.length; b++) {
      assertArrayEquals(PROMPTS[b], g.prompt(b));
      assertTrue(g.responseLen()[b] >= 1 && g.responseLen()[b] <= 7);
      for (int t = 0; t < g.promptWidth() - PROMPTS[b].length; t++) {
        assertEquals(ByteTokenizer.PAD, g.tokens()[b][t]);
      }
    }
    try (NDManager m = lm.manager().newSubManager(); Generation.Batch batch = g.toBatch(m)) {
      float[] att = batch.attentionMask().toFloatArray();
      float[] resp = batch.responseMask().toFloatArray();
      int w = g.tokens()[0].length;
      assertEquals(PROMPTS[2].length + g.responseLen()[2], (int) sum(att, 2 * w, w));
      assertEquals(g.responseLen()[1], (int) sum(resp, w, w));
    }
  }

  @Test
  void stopsAtEosAndAtMaxNewTokens() {
    // Make EOS the greedy choice everywhere by giving it the biggest dot product with any state:
    // use the model's own greedy first token as "EOS" for a fresh config instead of editing weights.
    Generator gen = new Generator(lm.gpt());
    Generation free = gen.generate(PROMPTS, GenerationConfig.greedy(5, lm.tokenizer()), 0);
    int firstOfRow0 = free.response(0)[0];
    GenerationConfig stopOnIt =
        new GenerationConfig(5, 1.0, 0, 1.0, true, firstOfRow0, ByteTokenizer.PAD);
    Generation g = gen.generate(PROMPTS, stopOnIt, 0);
    assertEquals(1, g.responseLen()[0]);
    assertTrue(g.endedWithEos()[0]);
    for (int b = 0; b < PROMPTS.length; b++) {
      int[] resp = g.response(b);
      for (int i = 0; i < resp.length - 1; i++) {
        assertTrue(resp[i] != firstOfRow0, "token after EOS in row " + b);
      }
      if (!g.endedWithEos()[b]) {
        assertEquals(5, g.responseLen()[b]);
      }
      for (int t = g.promptWidth() + g.responseLen()[b]; t < g.tokens()[b].length; t++) {
        assertEquals(ByteTokenizer.PAD, g.tokens()[b][t]);
      }
    }
  }

  private static float sum(float[] v, int from, int n) {
    float s = 0;
    for (int i = from; i < from + n; i++) {
      s += v[i];
    }
    return s;
  }
}
