package org.rlhfflow.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.spec.SpecException;

class ConstitutionLoaderTest {
  @TempDir Path tmp;

  private static final String GOOD = """
      principles:
        - id: safe
          weight: 3
          comparison: Which reply is safer?
          critique: Is the reply harmful?
          revision: Rewrite it safely.
        - id: helpful
          comparison: Which reply helps more?
          critique: Does it dodge?
          revision: Answer it.
      exemplars:
        - principle: safe
          prompt: aim gas x2?
          first: "ok: aim gas x2."
          second: no; gas is risky.
          preferred: second
      """;

  private Constitution load(String yaml) throws Exception {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(f, yaml);
    return ConstitutionLoader.load(f, "preferences.ai.constitution");
  }

  private SpecException bad(String yaml) {
    return assertThrows(SpecException.class, () -> load(yaml));
  }

  @Test
  void readsPrinciplesExemplarsAndWeights() throws Exception {
    Constitution c = load(GOOD);
    assertEquals(List.of("safe", "helpful"), c.principles().stream().map(Principle::id).toList());
    assertEquals(3.0, c.principle("safe").orElseThrow().weight());
    assertEquals(1.0, c.principle("helpful").orElseThrow().weight());
    assertEquals(1, c.exemplarsFor("safe").size());
    assertEquals(false, c.exemplarsFor("safe").get(0).firstPreferred());
    assertEquals(64, c.sha256().length());
    SplittableRandom rng = new SplittableRandom(0);
    int safe = 0;
    for (int i = 0; i < 4000; i++) {
      safe += c.draw(rng).id().equals("safe") ? 1 : 0;
    }
    assertEquals(0.75, safe / 4000.0, 0.03, "drawn in proportion to the weights");
  }

  @Test
  void theShippedConstitutionLoads() {
    Constitution c = ConstitutionLoader.load(Path.of("../experiments/constitutions/assistant.yaml"), "f");
    assertTrue(c.principles().size() >= 2);
  }

  @Test
  void aMissingFieldNamesFileLineAndField() {
    SpecException e = bad(GOOD.replace("    critique: Does it dodge?\n", ""));
    assertEquals(7, e.line(), e.getMessage());
    assertEquals("principles[1].critique", e.keyPath());
    assertTrue(e.getMessage().startsWith(tmp.resolve("c.yaml") + ":7:"), e.getMessage());
  }

  @Test
  void anEmptyListIsRejected() {
    SpecException e = bad("principles: []\n");
    assertEquals("principles", e.keyPath());
    assertTrue(e.problem().contains("empty"), e.getMessage());
    assertEquals(1, e.line());
  }

  @Test
  void aDuplicateIdNamesBothLines() {
    SpecException e = bad(GOOD.replace("id: helpful", "id: safe"));
    assertEquals(7, e.line());
    assertEquals("principles[1].id", e.keyPath());
    assertTrue(e.problem().contains("duplicate id 'safe'") && e.problem().contains("line 2"), e.getMessage());
  }

  @Test
  void otherMistakesAreNamedToo() {
    assertEquals("exemplars[0].principle", bad(GOOD.replace("principle: safe", "principle: kind")).keyPath());
    assertEquals("exemplars[0].preferred", bad(GOOD.replace("preferred: second", "preferred: B")).keyPath());
    assertEquals("principles[0].weight", bad(GOOD.replace("weight: 3", "weight: -1")).keyPath());
    assertEquals("principles[0].commparison",
        bad(GOOD.replace("comparison: Which reply is safer?", "commparison: x")).keyPath());
    assertEquals("principles[0].revision", bad(GOOD.replace("revision: Rewrite it safely.", "revision: ''")).keyPath());
    assertTrue(bad("").problem().contains("empty"));
    SpecException missing = assertThrows(SpecException.class,
        () -> ConstitutionLoader.load(tmp.resolve("nope.yaml"), "preferences.ai.constitution"));
    assertTrue(missing.getMessage().contains("preferences.ai.constitution") && missing.getMessage().contains("nope.yaml"));
  }

  @Test
  void aDatasetPrincipleTheConstitutionLacksIsNamed() throws Exception {
    Constitution c = load(GOOD);
    c.requireIds(List.of("safe", "helpful"), "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.requireIds(List.of("safe", "kind"), "data.preference_dataset p.arrow"));
    assertTrue(e.getMessage().contains("[kind]") && e.getMessage().contains("p.arrow"), e.getMessage());
  }
}
