package org.rlhfflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StepEtaTest {
  private static final long S = 1_000_000_000L;

  @Test
  void etaIsTheRemainingStepsAtTheRateSeenInThisStage() {
    StepEta eta = new StepEta();
    assertEquals("step 10/100", eta.describe("sft", 10, 100, 0));
    assertEquals("step 20/100 eta 00:40", eta.describe("sft", 20, 100, 5 * S)); // 10 steps in 5 s, 80 to go
    assertEquals("step 20/100 eta 00:37", eta.describe("sft", 20, 100, 8 * S)); // no new step: counts down
    assertEquals("step 100/100", eta.describe("sft", 100, 100, 45 * S));
    assertEquals("step 3/50", eta.describe("ppo", 3, 50, 46 * S)); // a new stage starts its own clock
    assertEquals("step 5/50 eta 02:15", eta.describe("ppo", 5, 50, 52 * S));
  }

  @Test
  void withoutATotalOnlyTheStep() {
    assertEquals("step 7", new StepEta().describe("collect", 7, 0, 0));
  }
}
