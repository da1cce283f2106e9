package org.rlhfflow.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
  private final Map<String, Double> metrics = new LinkedHashMap<>(Map.of("ppo/loss", 0.5));

  @Test
  void nanHitsOnlyTheNamedStageAndStep() {
    assertTrue(FaultInjection.apply("ppo", 3, metrics, "nan:ppo:3").get("ppo/loss").isNaN());
    assertSame(metrics, FaultInjection.apply("ppo", 2, metrics, "nan:ppo:3"));
    assertSame(metrics, FaultInjection.apply("sft", 3, metrics, "nan:ppo:3"));
    assertSame(metrics, FaultInjection.apply("ppo", 3, metrics, null));
    assertEquals(0.5, metrics.get("ppo/loss"), 0); // the caller's map is not modified
  }

  @Test
  void malformedDrillIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FaultInjection.apply("ppo", 3, metrics, "boom"));
    assertTrue(e.getMessage().contains("RLHF_INJECT_FAULT"));
  }
}
