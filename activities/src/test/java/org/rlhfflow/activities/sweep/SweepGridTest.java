package org.rlhfflow.activities.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.spec.SpecException;
import org.rlhfflow.spec.SpecLoader;

class SweepGridTest {
  private static final String BASE = """
      name: base
      seed: 3
      ppo:
        # a comment the override must not break
        kl_coef: 0.1
      """;

  @Test
  void theGridIsTheProductOfTheAxesLastFastest() {
    List<SweepPoint> points = SweepGrid.expand(BASE, "base.yaml", List.of("ppo.kl_coef=0.05,0.2", "seed=0,1,2"));
    assertEquals(List.of("ppo.kl_coef=0.05 seed=0", "ppo.kl_coef=0.05 seed=1", "ppo.kl_coef=0.05 seed=2",
        "ppo.kl_coef=0.2 seed=0", "ppo.kl_coef=0.2 seed=1", "ppo.kl_coef=0.2 seed=2"),
        points.stream().map(SweepPoint::label).toList());
    ExperimentSpec last = SpecLoader.parse(points.get(5).specYaml(), "p5");
    assertEquals(0.2, last.ppo().klCoef());
    assertEquals(2, last.seed());
    assertEquals("base", last.name());
    assertEquals(Map.of("ppo.kl_coef", "0.2", "seed", "2"), points.get(5).overrides());
  }

  @Test
  void anOverrideOfAnUnsetSectionCreatesIt() {
    List<SweepPoint> points = SweepGrid.expand("name: base\n", "base.yaml", List.of("sft.epochs=0"));
    assertEquals(0, SpecLoader.parse(points.get(0).specYaml(), "p0").sft().epochs());
  }

  @Test
  void anUnknownKeyFailsNamingIt() {
    SpecException e = assertThrows(SpecException.class,
        () -> SweepGrid.expand(BASE, "base.yaml", List.of("ppo.klcoef=0.1")));
    assertTrue(e.getMessage().contains("ppo.klcoef"), e.getMessage());
    assertTrue(e.getMessage().contains("base.yaml"), e.getMessage());
  }

  @Test
  void aValueOfTheWrongTypeFailsNamingTheKey() {
    SpecException e = assertThrows(SpecException.class,
        () -> SweepGrid.expand(BASE, "base.yaml", List.of("ppo.kl_coef=0.1,lots")));
    assertTrue(e.getMessage().contains("ppo.kl_coef"), e.getMessage());
    assertTrue(e.getMessage().contains("ppo.kl_coef=lots"), e.getMessage()); // which point
  }

  @Test
  void malformedArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> SweepGrid.axis("ppo.kl_coef"));
    assertThrows(IllegalArgumentException.class, () -> SweepGrid.axis("ppo.kl_coef=0.1,,0.2"));
    assertThrows(IllegalArgumentException.class, () -> SweepGrid.expand(BASE, "b", List.of()));
    assertThrows(IllegalArgumentException.class, () -> SweepGrid.expand(BASE, "b", List.of("seed=1", "seed=2")));
    SpecException e = assertThrows(SpecException.class,
        () -> SweepGrid.expand(BASE, "b", List.of("seed.x=1")));
    assertTrue(e.getMessage().contains("seed.x"), e.getMessage());
  }
}
