package org.rlhfflow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeterminismTest {
  @Test
  void unsetMeansTheDefaultAndANumberIsTaken() {
    assertEquals(Determinism.DEFAULT_THREADS, Determinism.threadsFrom(null, 8, 0.0));
    assertEquals(Determinism.DEFAULT_THREADS, Determinism.threadsFrom(" ", 8, 0.0));
    assertEquals(3, Determinism.threadsFrom("3", 2, 0.0));
  }

  @Test
  void autoTakesTheCoresThatAreFree() {
    assertEquals(2, Determinism.threadsFrom("auto", 2, 0.1));
    assertEquals(1, Determinism.threadsFrom("AUTO", 2, 1.2));
    assertEquals(6, Determinism.threadsFrom("auto", 8, 2.4));
    assertEquals(1, Determinism.threadsFrom("auto", 2, 19.9)); // an overloaded machine still gets one
    assertEquals(4, Determinism.threadsFrom("auto", 4, -1)); // no load average: every core
  }

  @Test
  void aBadValueNamesTheVariable() {
    for (String bad : new String[] {"0", "-2", "two"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Determinism.threadsFrom(bad, 2, 0));
      assertTrue(e.getMessage().startsWith("RLHF_THREADS=" + bad + ":"), e.getMessage());
    }
  }
}
