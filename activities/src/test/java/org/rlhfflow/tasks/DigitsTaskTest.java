package org.rlhfflow.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DigitsTaskTest {
  private final DigitsTask task = new DigitsTask();

  @Test
  void oracleScoresByHand() {
    // "7=" counts on from 7: 8901234 5 -> all 8 steps right.
    assertEquals(1.0, task.oracleScore("47=", "89012345"), 0);
    // one stutter at step 3 ("0" repeated): steps 8,9,0 ok, 0 wrong, then 1..4 count on from 0 -> 7/8.
    assertEquals(7.0 / 8, task.oracleScore("47=", "89001234"), 0);
    // too short: 4 right out of 8.
    assertEquals(4.0 / 8, task.oracleScore("47=", "8901"), 0);
    // two extra characters: 1 - 2 * 0.125.
    assertEquals(0.75, task.oracleScore("47=", "8901234567"), 0);
    // nothing, or junk, scores zero.
    assertEquals(0.0, task.oracleScore("47=", ""), 0);
    assertEquals(0.0, task.oracleScore("47=", "abcdefgh"), 0);
  }

  @Test
  void noiselessDemonstrationIsPerfectAndNoisyOneIsNot() {
    SplittableRandom rng = new SplittableRandom(1);
    for (String p : task.prompts("train", 50, 3)) {
      assertEquals(1.0, task.oracleScore(p, task.demonstration(p, 0.0, rng)), 0);
    }
    double sum = 0;
    List<String> prompts = task.prompts("train", 400, 3);
    for (String p : prompts) {
      sum += task.oracleScore(p, task.demonstration(p, 0.3, rng));
    }
    // each step stutters with p = 0.3, and a stutter costs exactly that step: E[score] = 0.7.
    assertEquals(0.7, sum / prompts.size(), 0.03);
  }

  @Test
  void splitsAreDisjointDistinctAndDeterministic() {
    List<String> train = task.prompts("train", 500, 7);
    List<String> heldout = task.prompts("heldout", 100, 7);
    assertEquals(500, new HashSet<>(train).size());
    assertEquals(100, new HashSet<>(heldout).size());
    Set<String> overlap = new HashSet<>(train);
    overlap.retainAll(heldout);
    assertTrue(overlap.isEmpty(), "overlap: " + overlap);
    assertEquals(train, task.prompts("train", 500, 7));
    assertTrue(train.stream().allMatch(p -> p.matches("[0-9]{2,5}=")));
  }

  @Test
  void rejectsUnknownSplitAndMalformedPrompt() {
    assertThrows(IllegalArgumentException.class, () -> task.prompts("test", 1, 0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> task.oracleScore("47", "8"));
    assertTrue(e.getMessage().contains("'47'"));
    assertThrows(IllegalArgumentException.class, () -> Task.named("chess"));
  }
}
