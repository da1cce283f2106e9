package org.rlhfflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SharedPrefixTest {

  private static String prompt(String chosen, String rejected) {
    return chosen.substring(0, SharedPrefix.cut(chosen, rejected));
  }

  @Test
  void cutsBeforeTheSpaceOfTheFirstDifferingWord() {
    assertEquals("Q: hi\n\nA:", prompt("Q: hi\n\nA: yes", "Q: hi\n\nA: no"));
  }

  @Test
  void neverSplitsAWord() {
    // TRL's character-level cut would give "The answer is ye".
    assertEquals("The answer is", prompt("The answer is yes", "The answer is yellow"));
  }

  @Test
  void differingWhitespaceRunsAreADifference() {
    assertEquals("a", prompt("a  b", "a b"));
  }

  @Test
  void oneMemberMayExtendTheOtherLeavingAnEmptyResponse() {
    assertEquals("Say hi", prompt("Say hi there", "Say hi"));
  }

  @Test
  void nothingSharedGivesAnEmptyPrompt() {
    assertEquals("", prompt("yes", "yellow"));
    assertEquals("", prompt(" yes", " no"));
  }
}
