package org.rlhfflow.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code method:} and its sections: each bad combination fails at load time with file:line. */
class MethodSpecTest {
  private static SpecException error(String yaml) {
    return assertThrows(SpecException.class, () -> SpecLoader.parse(yaml, "m.yaml"));
  }

  @Test
  void methodsReadTheirSections() {
    ExperimentSpec s = SpecLoader.parse("""
        name: x
        method: grpo
        reward:
          source: verifier
        grpo:
          num_generations: 8
          loss: dr_grpo
          beta: 0.04
        """, "m.yaml");
    assertEquals("grpo", s.method());
    assertEquals(org.rlhfflow.activities.grpo.GrpoSpec.Loss.DR_GRPO, s.grpo().loss());
    assertEquals(0.04, s.grpo().beta());
    assertEquals(s.grpo().epsilon(), s.grpo().upperEpsilon());
    assertFalse(s.usesRewardModel());
    assertFalse(s.usesPreferences());
    ExperimentSpec d = SpecLoader.parse("name: x\nmethod: dpo\ndpo:\n  loss: ipo\n", "m.yaml");
    assertFalse(d.usesRewardModel());
    assertTrue(d.usesPreferences());
    assertEquals("ppo", SpecLoader.parse("name: x\n", "m.yaml").method());
  }

  @Test
  void dpoWithAPpoSectionThatSetsValuesFailsAtThatSection() {
    SpecException e = error("name: x\nmethod: dpo\nppo:\n  kl_coef: 0.2\n");
    assertEquals(4, e.line(), e.getMessage()); // the ppo section's mapping starts on line 4
    assertEquals("ppo", e.keyPath());
    assertTrue(e.getMessage().startsWith("m.yaml:4:"), e.getMessage());
    assertTrue(e.problem().contains("method dpo does not use the ppo section"), e.getMessage());
  }

  @Test
  void ppoWithADpoSectionFailsToo() {
    SpecException e = error("name: x\ndpo:\n  beta: 0.5\n");
    assertEquals(3, e.line(), e.getMessage());
    assertEquals("dpo", e.keyPath());
  }

  @Test
  void roundsNeedPpoAndStayInRange() {
    assertEquals(2, SpecLoader.parse("name: x\nrounds: 2\n", "m.yaml").rounds());
    SpecException dpo = error("name: x\nmethod: dpo\nrounds: 2\n");
    assertEquals("rounds", dpo.keyPath(), dpo.getMessage());
    assertTrue(dpo.problem().contains("need method ppo"), dpo.getMessage());
    SpecException many = error("name: x\nrounds: 11\n");
    assertEquals(2, many.line(), many.getMessage());
    assertTrue(many.problem().contains("out of range [1, 10]"), many.getMessage());
  }

  @Test
  void oneGenerationPerPromptIsOutOfRange() {
    SpecException e = error("name: x\nmethod: grpo\ngrpo:\n  num_generations: 1\n");
    assertEquals(4, e.line(), e.getMessage());
    assertEquals("grpo.num_generations", e.keyPath());
    assertTrue(e.problem().contains("out of range [2, 64]"), e.getMessage());
  }

  @Test
  void verifierOnATaskWithoutOneFailsAtTheRewardSource() {
    SpecException e = error("name: x\nmethod: grpo\ntask:\n  name: essays\nreward:\n  source: verifier\n");
    assertEquals(6, e.line(), e.getMessage());
    assertEquals("reward.source", e.keyPath());
    assertTrue(e.problem().contains("task essays has no verifier"), e.getMessage());
  }

  @Test
  void verifierOnDatasetPromptsFails() {
    SpecException e = error("name: x\nmethod: rloo\ndata:\n  prompt_dataset: p.arrow\nreward:\n  source: verifier\n");
    assertEquals(6, e.line(), e.getMessage());
    assertTrue(e.problem().contains("prompts from data.prompt_dataset have no verifier"), e.getMessage());
  }

  @Test
  void verifierIsForGroupMethodsOnly() {
    SpecException e = error("name: x\nreward:\n  source: verifier\n");
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.problem().contains("not ppo"), e.getMessage());
  }

  @Test
  void dpoLossOptionsAreCheckedTogether() {
    SpecException e = error("name: x\nmethod: dpo\ndpo:\n  loss: hinge\n  label_smoothing: 0.1\n");
    assertEquals(5, e.line(), e.getMessage());
    assertEquals("dpo.label_smoothing", e.keyPath());
  }

  @Test
  void minibatchMustDivideTheGroupBatch() {
    SpecException e = error("name: x\nmethod: grpo\ngrpo:\n  prompts_per_iteration: 3\n  minibatch_size: 8\n");
    assertEquals(5, e.line(), e.getMessage());
    assertEquals("grpo.minibatch_size", e.keyPath());
  }
}
