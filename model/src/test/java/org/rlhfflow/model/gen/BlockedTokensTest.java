package org.rlhfflow.model.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

/** BOS and PAD are never generated: they would not survive decode/re-encode, and PAD is masked out. */
class BlockedTokensTest {
  private static final int V = 4; // ids 0, 1 text; 2 = BOS; 3 = PAD

  @Test
  void blockedIdsAreBosAndPadButNeverEos() {
    assertArrayEquals(new int[] {ByteTokenizer.BOS, ByteTokenizer.PAD},
        GenerationConfig.sampling(4, new ByteTokenizer()).blockedIds());
    assertArrayEquals(new int[] {7}, GenerationConfig.blocked(5, 7, 5)); // GPT-2: BOS is EOS
    assertArrayEquals(new int[] {}, GenerationConfig.blocked(-1, 9, 9)); // PAD is EOS
  }

  @Test
  void samplingNeverDrawsABlockedTokenEvenWithMostOfTheMass() {
    float[] probs = {0.05f, 0.05f, 0.45f, 0.45f, 0.05f, 0.05f, 0.45f, 0.45f}; // two rows
    Generator.block(probs, V, new int[] {2, 3}, false);
    SplittableRandom rng = new SplittableRandom(7);
    int[] counts = new int[V];
    for (int i = 0; i < 2000; i++) {
      counts[Sampler.sample(probs, V, V, 0, 1.0, rng)]++;
    }
    assertEquals(0, counts[2] + counts[3]);
    // the rest renormalised: 0.05 / 0.1 each
    assertEquals(0.5, counts[0] / 2000.0, 0.05);
  }

  @Test
  void greedyNeverPicksABlockedToken() {
    float[] logits = {1f, 2f, 9f, 8f};
    Generator.block(logits, V, new int[] {2, 3}, true);
    assertEquals(1, Sampler.argmax(logits, 0, V));
    assertNotEquals(2, Sampler.argmax(logits, 0, V));
  }
}
