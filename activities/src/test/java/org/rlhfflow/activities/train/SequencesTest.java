package org.rlhfflow.activities.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlhfflow.model.tokenizer.ByteTokenizer;

class SequencesTest {
  private static final int BOS = ByteTokenizer.BOS;
  private static final int EOS = ByteTokenizer.EOS;

  @Test
  void encodesBosPromptResponseEos() {
    Sequences.Encoded e = Sequences.encode(new ByteTokenizer(), "ab", "cd", 64);
    assertArrayEquals(new int[] {BOS, 'a', 'b', 'c', 'd', EOS}, e.tokens());
    assertEquals(3, e.responseStart());
  }

  @Test
  void sampledIdsAreKeptAsTheyAreAndGetNoEosAdded() {
    // A response cut off at max_new_tokens has no EOS; PPO reads the reward at its last token.
    Sequences.Encoded cut = Sequences.encodeSampled(new ByteTokenizer(), "ab", new int[] {'c', 'd'}, 64);
    assertArrayEquals(new int[] {BOS, 'a', 'b', 'c', 'd'}, cut.tokens());
    assertEquals(3, cut.responseStart());
    Sequences.Encoded ended = Sequences.encodeSampled(new ByteTokenizer(), "ab", new int[] {'c', EOS}, 4);
    assertArrayEquals(new int[] {BOS, 'b', 'c', EOS}, ended.tokens());
    assertEquals(2, ended.responseStart());
  }

  @Test
  void longSequencesLoseThePromptStartFirst() {
    Sequences.Encoded e = Sequences.encode(new ByteTokenizer(), "abcd", "xy", 6);
    assertArrayEquals(new int[] {BOS, 'c', 'd', 'x', 'y', EOS}, e.tokens());
    assertEquals(3, e.responseStart());
  }

  @Test
  void aResponseLongerThanTheBlockKeepsItsEnd() {
    Sequences.Encoded e = Sequences.encode(new ByteTokenizer(), "ab", "vwxyz", 5);
    assertArrayEquals(new int[] {BOS, 'x', 'y', 'z', EOS}, e.tokens());
    assertEquals(1, e.responseStart());
  }

  @Test
  void epochBatchesCoverEveryExampleOncePerEpochAndDependOnlyOnTheStep() {
    EpochBatches a = new EpochBatches(7, "sft", 10, 4);
    assertEquals(3, a.stepsPerEpoch());
    for (int epoch = 0; epoch < 2; epoch++) {
      int[] seen = new int[10];
      for (int k = 0; k < 3; k++) {
        for (int i : a.indices(epoch * 3L + k)) {
          seen[i]++;
        }
      }
      int[] ones = new int[10];
      Arrays.fill(ones, 1);
      assertArrayEquals(ones, seen, "epoch " + epoch);
    }
    EpochBatches fresh = new EpochBatches(7, "sft", 10, 4);
    assertArrayEquals(a.indices(4), fresh.indices(4)); // no state carried from earlier steps
    assertEquals(2, a.indices(2).length); // the short last batch
    assertNotEquals(Arrays.toString(a.indices(0)), Arrays.toString(a.indices(3)), "epochs reshuffle");
  }

  @Test
  void shuffleIsAPermutation() {
    int[] p = EpochBatches.shuffled(100, new SplittableRandom(1));
    int[] sorted = p.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < 100; i++) {
      assertEquals(i, sorted[i]);
    }
  }
}
